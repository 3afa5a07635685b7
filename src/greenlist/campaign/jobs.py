"""Background jobs without extra servers: the request saves the file and a Job row, then starts
``greenlist run-job ID`` as a detached process; the process writes its progress to the row."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import User
from greenlist.campaign.models import Batch, Job
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import RecommendingUnit


def start_import(
    *, name: str, chunks: object, batch: Batch, actor: User, unit: RecommendingUnit | None
) -> Job:
    """Save the upload and queue its import. Side effects: a file under MEDIA_ROOT/jobs, a Job row,
    and (after commit) the worker process — or, with GREENLIST_JOBS_INLINE (tests), the import itself."""
    folder = Path(settings.MEDIA_ROOT) / "jobs" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    # The reader recognises a CSV's sheet by its file name, so the name is kept.
    path = folder / Path(name).name
    with path.open("wb") as handle:
        for piece in chunks:  # type: ignore[attr-defined]
            handle.write(piece)
    job = Job.objects.create(
        file=str(path), original_name=name[:200], batch=batch, unit=unit, created_by=actor
    )
    if settings.GREENLIST_JOBS_INLINE:
        run(job.pk)
    else:
        transaction.on_commit(lambda: _spawn(job.pk))
    return job


def _spawn(job_id: int) -> None:
    subprocess.Popen(
        [sys.executable, "-m", "greenlist", "run-job", str(job_id)],
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives the request and the worker that served it
    )


def run(job_id: int) -> Job:
    """Run one queued import, recording progress as it goes."""
    job = Job.objects.select_related("batch", "unit", "created_by").get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)

    def progress(sheet: str, done: int, total: int | None) -> None:
        Job.objects.filter(pk=job.pk).update(stage=f"正在导入“{sheet}”", done=done, total=total)

    try:
        report = import_workbook(
            Path(job.file), batch=job.batch, actor=job.created_by, only_unit=job.unit, progress=progress
        )
    except Exception as exc:  # the job must end in a state the page can show, whatever happened
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), result={"fatal": f"导入中断：{exc}"}
        )
        raise
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE if report.ok else Job.Status.FAILED,
        finished_at=timezone.now(),
        result=report.as_dict(),
        stage="完成" if report.ok else "未导入（有错误）",
    )
    Path(job.file).unlink(missing_ok=True)
    job.refresh_from_db()
    return job
