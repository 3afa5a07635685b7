"""API operations: thin, like the views: check role, delegate, shape the answer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from ninja import File, NinjaAPI, UploadedFile
from ninja.responses import Status

from greenlist.accounts.models import Role, User
from greenlist.api.auth import TokenAuth
from greenlist.api.common import batch_of, finding_out, require
from greenlist.api.schemas import (
    ApplicationDetailOut,
    ApplicationOut,
    ErrorOut,
    EvaluatorOut,
    ImportOut,
    QuotaOut,
)
from greenlist.api.workflow import router as workflow_router
from greenlist.campaign.models import Application
from greenlist.exchange.importer import import_workbook
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

MAX_UPLOAD = 200 * 1024 * 1024


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
    response={200: ImportOut, 400: ImportOut, 413: ErrorOut},
    summary="导入交换工作簿（全部或全不）",
)
def upload_workbook(request: HttpRequest, file: UploadedFile = File(...), batch: str | None = None) -> Any:  # noqa: B008
    user = require(request, Role.CITY, Role.PROVINCE)
    if file.size is not None and file.size > MAX_UPLOAD:
        return Status(413, {"detail": f"文件过大，上限为 {MAX_UPLOAD // 1024 // 1024} MB。"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(file.name or "upload.xlsx").name
        with path.open("wb") as handle:
            for piece in file.chunks():
                handle.write(piece)
        report = import_workbook(
            path, batch=batch_of(batch), actor=user, only_unit=None if user.is_province else user.unit
        )
    body = report.as_dict()
    return Status(
        200 if report.ok else 400,
        {
            "ok": body["ok"],
            "error_count": body["error_count"],
            "errors": body["errors"],
            "counts": body["counts"],
        },
    )
