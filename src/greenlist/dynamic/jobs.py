"""A city's filings workbook as a background job, on the exchange import's machinery
(``campaign.Job`` with kind "filings", the same task, worker, progress store and job page).

The request inspects the upload (type, size, workbook shape) and queues the job; the worker
checks the authority again with the job's actor, imports all or nothing and reports progress.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from greenlist.accounts.models import Role, User
from greenlist.campaign.models import Job
from greenlist.decisions.refusals import NotPermitted
from greenlist.documents.uploads import UploadLimits, UploadRefused, inspect_upload
from greenlist.dynamic import service
from greenlist.dynamic.importer import FilingsImportError, FilingsImportReport, Progress, import_filings
from greenlist.exchange.jobs import JobRefused, queue_job
from greenlist.rules import filing as rules

NOT_A_CITY = "只有设区市工业和信息化主管部门可以导入本市的动态管理表。"


def may_import(actor: User) -> bool:
    return actor.is_active and actor.role == Role.CITY and actor.unit_id is not None


def upload_refusal(upload: UploadedFile | None) -> str:
    """Why the upload cannot be queued (bounded checks, before any row is read), or ""."""
    if upload is None:
        return "请选择要导入的 .xlsx 文件。"
    limits = UploadLimits.configured()
    try:
        inspect_upload(
            upload.name or "动态管理表.xlsx", upload, {"xlsx"}, limits.max_workbook_bytes, limits=limits
        )
    except UploadRefused as refusal:
        return f"“{upload.name}”未导入：{refusal}"
    return ""


def start_filings_import(*, name: str, chunks: object, the_cycle: rules.Cycle, actor: User) -> Job:
    """Queue the import of ``actor``'s city's filings for ``the_cycle``. Refused (``NotPermitted``,
    nothing saved) unless the actor is a city. Side effects as ``exchange.jobs.queue_job``."""
    if not may_import(actor):
        raise NotPermitted(NOT_A_CITY)
    return queue_job(
        kind=Job.Kind.FILINGS,
        name=name,
        chunks=chunks,
        actor=actor,
        unit=actor.unit,
        params={"cycle": the_cycle.year},
    )


def run_filings(job: Job, progress: Progress) -> FilingsImportReport:
    """The worker's half: the job's actor must still be a city, the job's unit its own (the job
    carries both, so a changed account is caught here too); then the import itself."""
    actor = job.created_by
    if not may_import(actor) or job.unit_id != actor.unit_id:
        raise JobRefused(f"未导入：{NOT_A_CITY}提交人的账号或所属单位已变更，请由本市账号重新上传。")
    try:
        the_cycle = service.cycle(int(job.params.get("cycle", 0)))
    except (TypeError, ValueError, rules.CycleFileError) as exc:
        raise JobRefused(f"未导入：没有该年度的动态管理周期（{job.params.get('cycle')}）。") from exc
    try:
        return import_filings(Path(job.file), actor=actor, the_cycle=the_cycle, progress=progress)
    except NotPermitted as refusal:
        raise JobRefused(str(refusal)) from refusal
    except FilingsImportError as exc:
        raise JobRefused(str(exc)) from exc
