"""API operations: thin, like the views: check role, delegate, shape the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, NinjaAPI, UploadedFile
from ninja.responses import Status

from greenlist.accounts.models import Role, User
from greenlist.api.auth import TokenAuth
from greenlist.api.common import batch_of, finding_out, require, user_of
from greenlist.api.dynamic import router as dynamic_router
from greenlist.api.register import router as register_router
from greenlist.api.schemas import (
    ApplicationDetailOut,
    ApplicationOut,
    ErrorOut,
    EvaluatorOut,
    JobOut,
    QuotaOut,
)
from greenlist.api.workflow import router as workflow_router
from greenlist.campaign.models import Application, Job
from greenlist.documents.uploads import UploadLimits, UploadRefused, inspect_upload
from greenlist.exchange.jobs import start_import
from greenlist.screening import verdicts
from greenlist.screening.models import Verdict

api = NinjaAPI(
    title="greenlist API",
    version="1",
    description="国家绿色制造名单推荐工作系统接口。令牌认证（Authorization: Bearer），数据范围与网页角色一致。",
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("", workflow_router)
api.add_router("", register_router)
api.add_router("", dynamic_router)


def _application(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "uscc": a.organisation.uscc,
        "name": a.organisation.name,
        "category": a.category,
        "unit": a.unit.name,
        "method": a.method,
        "evaluator": a.evaluator.name if a.evaluator else None,
        "state": a.state,
        "score": a.score,
        "submitted_at": a.submitted_at,
    }


def _visible_units(user: User) -> list[str] | None:
    if user.is_province:
        return None
    return [user.unit.name] if user.unit else []


@api.get("/applications", response=list[ApplicationOut], summary="申报列表（按角色范围）")
def list_applications(
    request: HttpRequest,
    batch: str | None = None,
    category: str | None = None,
    state: str | None = None,
    unit: str | None = None,
) -> Any:
    rows = Application.objects.filter(batch=batch_of(batch)).select_related(
        "organisation", "unit", "evaluator"
    )
    if category:
        rows = rows.filter(category=category)
    if state:
        rows = rows.filter(state=state)
    if unit:
        rows = rows.filter(unit__name=unit)
    return [_application(a) for a in rows]


@api.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, 404: ErrorOut},
    summary="申报详情与筛查结论",
)
def get_application(request: HttpRequest, application_id: int) -> Any:
    try:
        a = Application.objects.select_related("organisation", "unit", "evaluator", "batch").get(
            pk=application_id
        )
    except Application.DoesNotExist:
        return Status(404, {"detail": "申报不存在或您无权查看。"})
    stored = verdicts.stored(a.batch, ids=[a.pk])
    result = stored.result.by_key()[str(a.pk)]
    verdict = Verdict.objects.select_related("run").get(application=a)
    return Status(
        200,
        {
            **_application(a),
            "eligible": result.eligible,
            "findings": [finding_out(f) for f in result.findings],
            "screened_at": verdict.screened_at,
            "data_version": verdict.run.data_version,
            "stale": stored.stale,
        },
    )


@api.get("/quotas", response=list[QuotaOut], summary="推荐名额（Q1）与报送前须处理事项")
def quotas(request: HttpRequest, batch: str | None = None) -> Any:
    user = require(request, Role.CITY, Role.DEPARTMENT, Role.PROVINCE)
    result = verdicts.stored(batch_of(batch), unit_names=_visible_units(user)).result
    if not result.batch.on("Q1"):
        return []  # the batch sets no quota
    return [
        {
            "unit": q.unit.name,
            "provincial_factories": q.unit.provincial_factories,
            "quota": q.quota,
            "computed_quota": q.computed_quota,
            "blockers": [finding_out(f) for f in q.findings],
        }
        for q in result.quotas
    ]


@api.get("/evaluators", response=list[EvaluatorOut], summary="第三方评价机构项目数（全省合计）与可否采信")
def evaluators(request: HttpRequest, batch: str | None = None) -> Any:
    require(request, Role.CITY, Role.PROVINCE)
    result = verdicts.stored(batch_of(batch), unit_names=[]).result
    return [
        {
            "uscc": e.evaluator.uscc,
            "name": e.evaluator.name,
            "projects": e.projects,
            "cap": e.cap,
            "accepted": e.accepted,
            "reasons": [finding_out(f) for f in e.reasons],
        }
        for e in result.evaluators
    ]


@api.post(
    "/workbooks",
    response={202: JobOut, 400: ErrorOut, 403: ErrorOut, 413: ErrorOut},
    summary="导入交换工作簿（后台任务，全部或全不）",
    description=(
        "上传 .xlsx 工作簿或单个工作表的 .csv（UTF-8）。文件先经上传检查（类型、大小、压缩炸弹、"
        "共享字符串数、行数等上限），不合格返回 400（过大返回 413）及中文原因；合格则返回 202 和后台任务："
        "`id`、`url`（`GET /api/jobs/{id}` 查询状态、进度与结果）。导入全部或全不：任一行有错则不写入，"
        "任务以 `failed` 结束，`result.errors` 列出每个错误。"
    ),
)
def upload_workbook(request: HttpRequest, file: UploadedFile = File(...), batch: str | None = None) -> Any:  # noqa: B008
    user = require(request, Role.CITY, Role.PROVINCE)
    the_batch = batch_of(batch)
    limits = UploadLimits.configured()
    try:
        inspect_upload(file.name or "工作簿", file, {"xlsx", "csv"}, limits.max_workbook_bytes, limits=limits)
    except UploadRefused as refusal:
        return Status(413 if refusal.code == "too_large" else 400, {"detail": str(refusal)})
    job = start_import(
        name=file.name or "upload.xlsx",
        chunks=file.chunks(),
        batch=the_batch,
        actor=user,
        unit=None if user.is_province else user.unit,
    )
    return Status(202, _job(job))


def _job(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "url": reverse("api:get_job", kwargs={"job_id": job.pk}),
        "kind": job.kind,
        "status": job.status,
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "file": job.original_name,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "result": job.result or None,
    }


@api.get(
    "/jobs/{job_id}",
    response={200: JobOut, 404: ErrorOut},
    summary="后台任务的状态、进度与结果",
    description=(
        "`kind`：import（交换工作簿导入）或 filings（动态管理表导入）。"
        "`status`：queued（排队中）、running（进行中）、done（已完成）、failed（失败）。"
        "`done`/`total` 为已处理/总行数，`percent` 为进度。结束后 `result` 为导入结果："
        "`ok`、`error_count`、`errors`（每个错误的工作表、行、列与原因）、`counts`。"
        "只能查看自己提交的任务（省级可查看全部）。"
    ),
)
def get_job(request: HttpRequest, job_id: int) -> Any:
    user = user_of(request)
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (user.is_province or job.created_by_id == user.pk):
        return Status(404, {"detail": "任务不存在或您无权查看。"})
    return Status(200, _job(job))
