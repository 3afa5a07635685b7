"""Jobs without a worker process: recognising a dead worker's job, retrying, the retry button."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from greenlist.accounts.models import Role
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Batch, Job
from greenlist.exchange import progress
from greenlist.exchange.jobs import WORKER_DIED, JobError, recover_stale_jobs, retry
from greenlist.worker.chores import beat, worker_last_seen
from tests.conftest import make_user, unit

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def city(db):
    return make_user("j_city", Role.CITY, unit=unit("石家庄市"))


def _job(user, tmp_path: Path, **fields) -> Job:
    upload = tmp_path / f"{len(list(tmp_path.iterdir()))}" / "负面记录.csv"
    upload.parent.mkdir()
    upload.write_text("统一社会信用代码,名称,类型,开始日期\n,某公司,偷漏税,2023-01-01\n", encoding="utf-8")
    return Job.objects.create(
        file=str(upload), original_name=upload.name, batch=Batch.current(), created_by=user, **fields
    )


def test_a_running_job_whose_worker_died_is_marked_failed_and_retryable(city, tmp_path):
    host = socket.gethostname()
    now = timezone.now()
    dead = _job(
        city, tmp_path, status=Job.Status.RUNNING, worker=f"{host}:{_dead_pid()}:w1", heartbeat_at=now
    )
    silent = _job(
        city,
        tmp_path,
        status=Job.Status.RUNNING,
        worker="another-host:1:w2",
        heartbeat_at=now - dt.timedelta(seconds=120),
    )
    alive = _job(
        city, tmp_path, status=Job.Status.RUNNING, worker=f"{host}:{os.getpid()}:w3", heartbeat_at=now
    )
    assert sorted(recover_stale_jobs(stale_after=60)) == sorted([dead.pk, silent.pk])
    for job in (dead, silent):
        job.refresh_from_db()
        assert (job.status, job.result) == (Job.Status.FAILED, {"fatal": WORKER_DIED})
        assert job.retryable
    alive.refresh_from_db()
    assert alive.status == Job.Status.RUNNING
    assert AuditEvent.objects.filter(action=Action.JOB_ABANDONED).count() == 2
    assert recover_stale_jobs(stale_after=60) == []  # once only


def test_the_heartbeat_in_the_progress_store_keeps_a_job_alive(city, tmp_path):
    job = _job(
        city,
        tmp_path,
        status=Job.Status.RUNNING,
        worker="another-host:1:w",
        heartbeat_at=timezone.now() - dt.timedelta(seconds=120),
    )
    progress.beat(job)  # what the running worker's heartbeat thread does
    assert recover_stale_jobs(stale_after=60) == []


def test_a_retry_queues_the_job_again_and_runs_it(city, tmp_path, django_capture_on_commit_callbacks):
    job = _job(city, tmp_path, status=Job.Status.FAILED, result={"fatal": WORKER_DIED}, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        retry(job, actor=city)
    job.refresh_from_db()
    # The test settings run tasks at once: the workbook was imported on the second attempt.
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert AuditEvent.objects.filter(action=Action.JOB_RETRIED, object_id=str(job.pk)).count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Job.Status.DONE},
        {"status": Job.Status.RUNNING},
        {"status": Job.Status.FAILED, "result": {"errors": [], "error_count": 1}},  # bad rows: fix the file
    ],
)
def test_a_retry_is_refused_unless_the_job_was_interrupted(city, tmp_path, fields):
    job = _job(city, tmp_path, **fields)
    before = Job.objects.values().get(pk=job.pk)
    with pytest.raises(JobError):
        retry(job, actor=city)
    assert Job.objects.values().get(pk=job.pk) == before
    assert not AuditEvent.objects.filter(action=Action.JOB_RETRIED).exists()


def test_only_the_uploader_sees_and_uses_the_retry_button(city, client, tmp_path):
    job = _job(city, tmp_path, status=Job.Status.FAILED, result={"fatal": WORKER_DIED})
    province = make_user("j_province", Role.PROVINCE)
    button = f'action="/jobs/{job.pk}/retry/"'
    client.force_login(province)
    assert button not in client.get(f"/jobs/{job.pk}/").content.decode()
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    client.force_login(city)
    assert button in client.get(f"/jobs/{job.pk}/").content.decode()
    response = client.post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED  # enqueued after commit, which this test never reaches


def test_worker_last_seen_is_the_latest_heartbeat():
    assert worker_last_seen() is None
    beat("one")
    first = worker_last_seen()
    beat("two")
    assert first is not None
    latest = worker_last_seen()
    assert latest is not None
    assert latest >= first
