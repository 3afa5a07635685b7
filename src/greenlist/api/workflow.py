"""Workflow over HTTP (docs/contracts/http.md): transitions, a unit's submission and its return. Each operation
calls the same decision function as the web; a rule's refusal is 409 with its findings, a role's
is 403, anything outside the caller's scope 404, and every refusal changes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from greenlist.accounts.models import User
from greenlist.api.common import batch_of, finding_out, user_of
from greenlist.api.schemas import (
    BlockedOut,
    ErrorOut,
    RefusalOut,
    ReturnIn,
    ReturnOut,
    SubmitIn,
    SubmitOut,
    TransitionIn,
    TransitionOut,
)
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.decisions.submission import return_submission, submit_to_province
from greenlist.decisions.transitions import transition
from greenlist.registry.models import RecommendingUnit

router = Router(tags=["办理"])


def _refusal(refusal: ActionRefused) -> Status:
    if isinstance(refusal, NotPermitted):
        return Status(403, {"detail": str(refusal)})
    findings = refusal.findings if isinstance(refusal, RuleRefused) else ()
    return Status(409, {"detail": str(refusal), "findings": [finding_out(f) for f in findings]})


def _unit(user: User, code: str) -> RecommendingUnit | None:
    """The unit named by its code, when the caller may see it (its own unit, or the province)."""
    unit = RecommendingUnit.objects.filter(code=code).first()
    if unit is None or not (user.is_province or user.unit_id == unit.pk):
        return None
    return unit


@router.post(
    "/applications/{application_id}/transition",
    response={200: TransitionOut, 403: ErrorOut, 404: ErrorOut, 409: RefusalOut},
    summary="变更申报状态（拟推荐、省厅推荐等），受筛查结论约束",
)
def application_transition(request: HttpRequest, application_id: int, body: TransitionIn) -> Any:
    application = Application.objects.filter(pk=application_id).first()  # scoped to the caller
    if application is None:
        return Status(404, {"detail": "申报不存在或您无权查看。"})
    try:
        moved = transition(
            application, body.to, actor=user_of(request), reason=body.reason, acknowledge=body.acknowledge
        )
    except ActionRefused as refusal:
        return _refusal(refusal)
    return Status(200, {"id": moved.pk, "state": moved.state})


@router.post(
    "/units/{code}/submit",
    response={200: SubmitOut, 403: ErrorOut, 404: ErrorOut, 409: BlockedOut},
    summary="推荐单位报送推荐名单（须确认；报送后名单冻结）",
)
def unit_submit(request: HttpRequest, code: str, body: SubmitIn, batch: str | None = None) -> Any:
    user = user_of(request)
    unit = _unit(user, code)
    if unit is None:
        return Status(404, {"detail": "推荐单位不存在或您无权查看。"})
    try:
        submission = submit_to_province(batch=batch_of(batch), unit=unit, actor=user, confirm=body.confirm)
    except NotPermitted as refusal:
        return Status(403, {"detail": str(refusal)})
    except ActionRefused as refusal:
        findings = refusal.findings if isinstance(refusal, RuleRefused) else ()
        return Status(409, {"detail": str(refusal), "blockers": [finding_out(f) for f in findings]})
    assert submission.submitted_at is not None
    return Status(
        200,
        {
            "unit": unit.code,
            "submitted_at": submission.submitted_at,
            "snapshot_hash": submission.snapshot_hash,
        },
    )


@router.post(
    "/units/{code}/return",
    response={200: ReturnOut, 403: ErrorOut, 404: ErrorOut, 409: RefusalOut},
    summary="省厅退回推荐单位的报送（须填写理由），退回后推荐单位可修改名单",
)
def unit_return(request: HttpRequest, code: str, body: ReturnIn, batch: str | None = None) -> Any:
    user = user_of(request)
    unit = _unit(user, code)
    if unit is None:
        return Status(404, {"detail": "推荐单位不存在或您无权查看。"})
    try:
        submission = return_submission(batch=batch_of(batch), unit=unit, reason=body.reason, actor=user)
    except ActionRefused as refusal:
        return _refusal(refusal)
    assert submission.returned_at is not None
    return Status(
        200, {"unit": unit.code, "returned_at": submission.returned_at, "reason": submission.return_reason}
    )
