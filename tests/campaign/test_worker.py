"""`greenlist worker` as real processes on the test database (a file on SQLite, the test database
on PostgreSQL): imports end to end, no job run twice by two workers, a SIGKILL midway that
changes nothing and leaves a retryable job, progress visible while the import runs, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from greenlist.accounts.models import Role, User
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Batch, Job, Notification
from greenlist.exchange import progress
from greenlist.exchange.jobs import WORKER_DIED, start_import
from greenlist.registry.models import NegativeRecord
from greenlist.worker.chores import QUEUES, worker_last_seen
from tests.conftest import make_user
from tests.exchange.workbooks import write_csv

pytestmark = pytest.mark.django_db(transaction=True)

BIG = 12_000  # rows: long enough an import to be caught, and killed, midway
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Starts `greenlist worker` processes on the test database and stops them afterwards."""

    def __init__(self, tmp_path: Path, media: Path) -> None:
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(media),
            "GREENLIST_HOME": str(tmp_path),
            "GREENLIST_WORKER_HEARTBEAT": "0.5",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        }
        self.env.pop("GREENLIST_PROGRESS_STORE", None)
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *extra: str) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "greenlist",
                "worker",
                "--interval=0.1",
                "--no-startup-delay",
                "--notify-every=0",
                *extra,
            ],
            env=self.env,
            cwd=self.tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "greenlist", *args],
            env=self.env,
            cwd=self.tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def workers(settings: Any, tmp_path: Path) -> Iterator[Workers]:
    # The real backend and the real progress store for this database (conftest runs tasks inline).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": list(QUEUES)}}
    settings.GREENLIST_PROGRESS_STORE = "file" if connection.vendor == "sqlite" else "database"
    settings.MEDIA_ROOT = tmp_path / "media"
    pool = Workers(tmp_path, settings.MEDIA_ROOT)
    yield pool
    pool.stop_all()


@pytest.fixture
def province() -> User:
    return make_user("w_province", Role.PROVINCE)


def _records(tmp_path: Path, count: int, tag: str) -> Path:
    rows = [
        {"统一社会信用代码": "", "名称": f"{tag}测试公司{i}", "类型": "偷漏税", "开始日期": "2023-01-01"}
        for i in range(count)
    ]
    folder = tmp_path / tag
    folder.mkdir()
    return write_csv(folder / "负面记录.csv", rows)


def _queue(path: Path, actor: User) -> Job:
    with path.open("rb") as handle:
        return start_import(
            name=path.name, chunks=iter([handle.read()]), batch=Batch.current(), actor=actor, unit=None
        )


def _wait(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _job(pk: int) -> Job:
    return progress.live(Job.objects.get(pk=pk))


def _negative_records() -> int:
    return NegativeRecord.unscoped.count()


def test_a_worker_process_runs_an_import_end_to_end(workers, province, tmp_path):
    before = _negative_records()
    job = _queue(_records(tmp_path, 3, "a"), province)
    assert _job(job.pk).status == Job.Status.QUEUED
    workers.start()
    _wait(lambda: _job(job.pk).status not in (Job.Status.QUEUED, Job.Status.RUNNING), "the job to finish")
    done = _job(job.pk)
    assert done.status == Job.Status.DONE
    assert done.result["counts"]["负面记录"] == {"created": 3}
    assert _negative_records() == before + 3
    assert DBTaskResult.objects.get(id=done.task_id).status == "SUCCESSFUL"
    _wait(lambda: worker_last_seen() is not None, "the worker's heartbeat")


def test_two_workers_never_run_the_same_job_twice(workers, province, tmp_path):
    jobs = [_queue(_records(tmp_path, 5, f"j{n}"), province) for n in range(8)]
    workers.start()
    workers.start()
    _wait(
        lambda: not Job.objects.filter(pk__in=[j.pk for j in jobs]).exclude(status=Job.Status.DONE).exists(),
        "every job to be done",
    )
    imports = AuditEvent.objects.filter(action=Action.REGISTRY_IMPORT, object_label="负面记录.csv")
    assert imports.count() == len(jobs)
    assert [j.attempts for j in Job.objects.filter(pk__in=[j.pk for j in jobs])] == [1] * len(jobs)
    claims = [
        len(t.worker_ids) for t in DBTaskResult.objects.filter(id__in=[j.task_id for j in Job.objects.all()])
    ]
    assert claims == [1] * len(jobs)


def test_progress_is_visible_from_another_connection_while_the_import_runs(workers, province, tmp_path):
    job = _queue(_records(tmp_path, BIG, "p"), province)
    workers.start()
    seen: list[tuple[str, int]] = []

    def finished() -> bool:
        current = _job(job.pk)
        seen.append((current.status, current.done))
        return current.status not in (Job.Status.QUEUED, Job.Status.RUNNING)

    _wait(finished, "the big import to finish", timeout=120)
    assert _job(job.pk).status == Job.Status.DONE
    midway = [done for status, done in seen if status == Job.Status.RUNNING and 0 < done < BIG]
    assert midway, f"no progress seen while running: {sorted(set(seen))[:10]}"


def test_a_killed_worker_changes_nothing_and_its_job_can_be_retried(workers, province, tmp_path):
    before = _negative_records()
    job = _queue(_records(tmp_path, BIG, "k"), province)
    first = workers.start()
    _wait(
        lambda: _job(job.pk).status == Job.Status.RUNNING and _job(job.pk).done > 0, "the import to be midway"
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert _negative_records() == before
    assert _job(job.pk).status == Job.Status.RUNNING  # nobody has noticed yet

    # The next worker to start notices the dead worker and marks its job failed, retryable.
    second = workers.start()
    _wait(lambda: _job(job.pk).status == Job.Status.FAILED, "the dead worker's job to be marked failed")
    failed = _job(job.pk)
    assert failed.result == {"fatal": WORKER_DIED}
    assert failed.retryable
    assert DBTaskResult.objects.get(id=failed.task_id).status == "FAILED"
    assert _negative_records() == before

    retried = workers.command("worker", "--retry", str(job.pk))
    assert retried.returncode == 0, retried.stderr
    _wait(lambda: _job(job.pk).status == Job.Status.DONE, "the retried import to finish", timeout=120)
    assert _negative_records() == before + BIG
    assert _job(job.pk).attempts == 2
    assert second.poll() is None


def test_sigterm_lets_the_worker_finish_its_job_and_exit_cleanly(workers, province, tmp_path):
    before = _negative_records()
    job = _queue(_records(tmp_path, BIG, "t"), province)
    process = workers.start()
    _wait(
        lambda: _job(job.pk).status == Job.Status.RUNNING and _job(job.pk).done > 0, "the import to be midway"
    )
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 0
    assert _job(job.pk).status == Job.Status.DONE
    assert _negative_records() == before + BIG


def test_sigterm_stops_an_idle_worker_at_once(workers):
    process = workers.start()
    _wait(lambda: worker_last_seen() is not None, "the worker to start")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_run_job_runs_a_queued_job_in_the_foreground_once(workers, province, tmp_path):
    before = _negative_records()
    job = _queue(_records(tmp_path, 4, "r"), province)
    first = workers.command("run-job", str(job.pk))
    assert first.returncode == 0, first.stderr
    assert _job(job.pk).status == Job.Status.DONE
    again = workers.command("run-job", str(job.pk))
    assert again.returncode != 0
    assert "不在排队中" in again.stderr
    assert _negative_records() == before + 4
    assert AuditEvent.objects.filter(action=Action.REGISTRY_IMPORT).count() == 1


def test_the_worker_sends_queued_notices_through_its_task_queue(workers, province):
    province.email = "province@example.com"
    province.save()
    notice = Notification.objects.create(recipient=province, subject="测试通知", body="正文", key="w-test")
    workers.start("--notify-every=0.5")
    _wait(lambda: Notification.objects.get(pk=notice.pk).sent_at is not None, "the notice to be sent")
    sent = DBTaskResult.objects.filter(task_path="greenlist.worker.chores.send_notices", status="SUCCESSFUL")
    assert sent.exists()
