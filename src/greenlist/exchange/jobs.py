"""Workbook imports as background jobs. The request saves the upload and a Job row (the
user-facing record: status, progress, result) and, after commit, enqueues :data:`import_job` on
Django's task API; a `greenlist worker` process claims it and runs the import.

A job runs at most once per queueing: the task backend claims its row atomically, and the job
itself moves from "queued" to "running" by a conditional update, so a task delivered twice finds
nothing to do. A killed worker leaves its job "running" with a heartbeat that stops;
:func:`recover_stale_jobs` marks such jobs failed and :func:`retry` queues them again.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from greenlist.accounts.models import User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.models import Batch, Job
from greenlist.exchange import progress
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import unscoped

IMPORT_QUEUE = "imports"
WORKER_DIED = "后台处理进程意外中止（进程被终止或主机重启），本次导入没有写入任何数据。请点击“重试”重新导入。"
STOPPED = "导入被中止（后台处理进程正在停止），本次导入没有写入任何数据。请点击“重试”重新导入。"


class JobError(Exception):
    """A refused job action; the message says why, in Chinese."""


class JobRefused(Exception):
    """The worker refuses the job as a whole (the actor may no longer import, or the file cannot
    be read): nothing was written, and the same upload will not do better on a retry."""


class _Report(Protocol):
    @property
    def ok(self) -> bool: ...

    def as_dict(self) -> dict[str, Any]: ...


ProgressCallback = Callable[..., None]


def start_import(
    *, name: str, chunks: object, batch: Batch, actor: User, unit: RecommendingUnit | None
) -> Job:
    """Save the upload and queue its import. Side effects: a file under MEDIA_ROOT/jobs, a Job row
    and its audit event, and (after commit) a task for `greenlist worker`."""
    return queue_job(kind=Job.Kind.IMPORT, name=name, chunks=chunks, actor=actor, unit=unit, batch=batch)


def queue_job(
    *,
    kind: str,
    name: str,
    chunks: object,
    actor: User,
    unit: RecommendingUnit | None,
    batch: Batch | None = None,
    params: dict[str, Any] | None = None,
) -> Job:
    """Save an upload and queue the job of ``kind`` that imports it (see :func:`_work`). Side
    effects: a file under MEDIA_ROOT/jobs, a Job row and its audit event, and (after commit) a
    task for `greenlist worker`."""
    folder = Path(settings.MEDIA_ROOT) / "jobs" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    # The reader recognises a CSV's sheet by its file name, so the name is kept.
    path = folder / Path(name).name
    with path.open("wb") as handle:
        for piece in chunks:  # type: ignore[attr-defined]
            handle.write(piece)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            file=str(path),
            original_name=name[:200],
            batch=batch,
            params=params or {},
            unit=unit,
            created_by=actor,
        )
        record(
            actor=actor,
            action=Action.JOB_QUEUED,
            obj=job,
            unit=unit,
            details={"kind": kind, **(params or {})},
        )
        job_id = job.pk
        # After commit: a worker must find the Job row the task names.
        transaction.on_commit(lambda: enqueue(job_id))
    return job


def enqueue(job_id: int) -> None:
    """Queue the task that runs job ``job_id`` and link the job to it."""
    result = import_job.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


@task(queue_name=IMPORT_QUEUE, takes_context=True)
def import_job(context: TaskContext, job_id: int) -> str:
    """The task a worker runs for one queued import; returns the job's final status."""
    worker_ids = context.task_result.worker_ids
    label = f"{socket.gethostname()}:{os.getpid()}:{worker_ids[-1] if worker_ids else ''}"
    return run(job_id, worker=label).status


def run(job_id: int, *, worker: str = "") -> Job:
    """Run one queued import, recording progress and a heartbeat as it goes. A job that is not
    queued (already run, or running elsewhere) is left alone and returned as it is."""
    with unscoped():
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING,
            worker=worker[:200],
            heartbeat_at=timezone.now(),
            stage="开始导入",
            done=0,
            total=None,
            attempts=F("attempts") + 1,
        )
        job = Job.objects.select_related("batch", "unit", "created_by").get(pk=job_id)
        if not claimed:
            return job
        return _import(job)


def _import(job: Job) -> Job:
    last: dict[str, Any] = {}

    def report_progress(sheet: str, done: int, total: int | None) -> None:
        last.update(
            stage=sheet if job.kind == Job.Kind.FILINGS else f"正在导入“{sheet}”", done=done, total=total
        )
        progress.write(job, heartbeat_at=timezone.now(), **last)

    progress.clear(job)  # a previous attempt's figures
    stop = threading.Event()
    beating = threading.Thread(target=_beat_until, args=(job, stop), daemon=True)
    beating.start()
    try:
        report = _work(job, report_progress)
    except JobRefused as refusal:
        # Not retryable: the upload goes, so the page offers no "重试" for it.
        _finish(job, Job.Status.FAILED, stage="未导入", result={"fatal": str(refusal)}, **_figures(last))
        Path(job.file).unlink(missing_ok=True)
        job.refresh_from_db()
        return job
    except BaseException as exc:
        # Whatever ended the import (an error, or the worker being stopped), its transaction was
        # rolled back; the job must still end in a state the page can show.
        fatal = STOPPED if isinstance(exc, SystemExit | KeyboardInterrupt) else f"导入中断：{exc}"
        _finish(job, Job.Status.FAILED, stage="已中断", result={"fatal": fatal}, **_figures(last))
        raise
    finally:
        stop.set()
        beating.join()
    _finish(
        job,
        Job.Status.DONE if report.ok else Job.Status.FAILED,
        stage="完成" if report.ok else "未导入（有错误）",
        result=report.as_dict(),
        **_figures(last),
    )
    if report.ok:
        Path(job.file).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def _work(job: Job, report_progress: ProgressCallback) -> _Report:
    """The job's own work, by its kind; each imports all or nothing and reports progress."""
    if job.kind == Job.Kind.FILINGS:
        # Imported here: the dynamic app builds on this module, not the other way round.
        from greenlist.dynamic.jobs import run_filings

        return run_filings(job, report_progress)
    if job.batch is None:
        raise JobRefused("未导入：该导入任务没有所属批次，请重新上传。")
    return import_workbook(
        Path(job.file), batch=job.batch, actor=job.created_by, only_unit=job.unit, progress=report_progress
    )


def _figures(last: dict[str, Any]) -> dict[str, Any]:
    return {name: last[name] for name in ("done", "total") if name in last}


def _finish(job: Job, status: str, *, stage: str, result: dict[str, Any], **figures: Any) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=status, finished_at=timezone.now(), stage=stage, result=result, **figures
    )
    progress.clear(job)


def _beat_until(job: Job, stop: threading.Event) -> None:
    """The running job's heartbeat, in its own thread (and so its own database connections)."""
    try:
        while not stop.wait(float(settings.GREENLIST_WORKER_HEARTBEAT)):
            # A missed beat is tried again at the next tick.
            with contextlib.suppress(DatabaseError, OSError):
                progress.beat(job)
    finally:
        connections.close_all()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _worker_gone(job: Job, stale_after: float) -> bool:
    host, _, rest = job.worker.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return True
    if job.heartbeat_at is None:
        return True
    return (timezone.now() - job.heartbeat_at).total_seconds() > stale_after


def recover_stale_jobs(*, stale_after: float | None = None) -> list[int]:
    """Mark failed (retryable) every running job whose worker is gone: its process is no longer
    alive on this host, or its heartbeat is older than ``stale_after`` seconds. Returns their ids.
    Side effects per job: the Job row, its task's row, an audit event."""
    limit = float(settings.GREENLIST_WORKER_STALE_AFTER if stale_after is None else stale_after)
    recovered = []
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        if not _worker_gone(progress.live(job), limit):
            continue
        with transaction.atomic():
            now = timezone.now()
            # Conditional on the same worker still holding it: two recovering workers, or a
            # worker finishing at this very moment, do not both win.
            changed = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=job.worker).update(
                status=Job.Status.FAILED,
                finished_at=now,
                stage="已中断",
                done=job.done,
                total=job.total,
                result={"fatal": WORKER_DIED},
            )
            if not changed:
                continue
            if _is_uuid(job.task_id):
                DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                    status="FAILED",
                    finished_at=now,
                    exception_class_path="greenlist.exchange.jobs.WorkerDied",
                    traceback=WORKER_DIED,
                )
            record(
                actor=None,
                action=Action.JOB_ABANDONED,
                obj=job,
                unit=job.unit,
                reason=WORKER_DIED,
                details={"worker": job.worker},
            )
        progress.clear(job)
        recovered.append(job.pk)
    return recovered


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def retry(job: Job, *, actor: User | None) -> Job:
    """Queue an interrupted job again. Refused (``JobError``, nothing changed) unless the job
    failed without importing anything and its upload is still there."""
    if not job.retryable:
        raise JobError("只有中断失败、且上传文件仍在的导入任务可以重试；有错误的文件请修改后重新上传。")
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED,
            stage="",
            done=0,
            total=None,
            result={},
            finished_at=None,
            worker="",
            heartbeat_at=None,
            task_id="",
        )
        if not changed:
            raise JobError("该任务已在重新运行，无需再次重试。")
        record(actor=actor, action=Action.JOB_RETRIED, obj=job, unit=job.unit)
        job_id = job.pk
        transaction.on_commit(lambda: enqueue(job_id))
    job.refresh_from_db()
    return job
