"""The register over HTTP (docs/contracts/http.md): the green units visible to the caller, and removal and
rename proposals — a city proposes for its own units, the province approves or rejects. The
operations call the same write paths as the pages (``greenlist.registry.proposals``); a refused
action changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from greenlist.api.common import user_of
from greenlist.api.schemas import DecisionIn, ErrorOut, ProposalIn, ProposalOut, RegisterEntryOut
from greenlist.registry import proposals
from greenlist.registry.models import ProvincialListEntry, RegisterProposal
from greenlist.registry.register import (
    BadFilter,
    Filters,
    entry_out,
    parse_category,
    parse_level,
    register_rows,
)
from greenlist.scoping import current_scope

router = Router(tags=["名单库"])


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class BadBody(ValueError):
    pass


def _payload(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object (or form fields). Parsed here rather than by a body schema so a
    missing, malformed or non-object body is answered in Chinese, never with a schema dump or a
    server error (a multipart body has already been consumed by the time a schema reads it)."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadBody("请求体不是有效的 JSON，请发送一个 JSON 对象。") from exc
        if not isinstance(data, dict):
            raise BadBody('请求体须为 JSON 对象（如 {"reason": "……"}）。')
        return data
    return request.POST.dict()


def _body_doc(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "content": {"application/json": {"schema": schema.model_json_schema()}},
            "required": False,
        }
    }


def _refused(refusal: proposals.ProposalRefused) -> Status:
    return Status(refusal.status, {"detail": str(refusal)})


@router.get(
    "/register",
    response={200: list[RegisterEntryOut], 400: ErrorOut},
    summary="绿色制造名单库（按角色范围）",
    description=(
        "筛选参数：category（factory / park / supply_chain）、level（省级 / 国家级 / 市级，或代码）、"
        "unit（推荐单位名称或代码）、status（有效 / 已撤销，或代码）。省厅可见全部，推荐单位及其征求意见部门"
        "可见本单位，申报单位可见本单位自身的名单条目。"
    ),
)
def register_list(request: HttpRequest) -> Any:
    try:
        filters = Filters.parse(request.GET)
    except BadFilter as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, [entry_out(entry) for entry in register_rows(current_scope(), filters)])


@router.post(
    "/register/proposals",
    response={201: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="推荐单位提出名单调整建议（撤销或更名）",
    openapi_extra=_body_doc(ProposalIn),
    description=(
        "`kind`：removal（撤销）或 rename（更名，须填写 new_name）；`effective_on`：生效日期 YYYY-MM-DD"
        "（撤销即名单撤销日期，筛查 E3、F1 自动读取）。只能为本单位的名单单位提出。"
    ),
)
def register_propose(request: HttpRequest) -> Any:
    user = user_of(request)
    if user.role != "city":
        return Status(403, {"detail": "只有推荐单位（市级工业和信息化主管部门）可以提出名单调整建议。"})
    try:
        body = ProposalIn(**_payload(request))
    except BadBody as exc:
        return Status(400, {"detail": str(exc)})
    try:
        category = parse_category(_text(body.category))
        level = parse_level(_text(body.level))
    except BadFilter as exc:
        return Status(422, {"detail": str(exc)})
    uscc = _text(body.uscc).upper()
    missing = [
        label for label, value in (("uscc", uscc), ("category", category), ("level", level)) if not value
    ]
    if missing:
        return Status(422, {"detail": f"请填写{'、'.join(missing)}，以确定要调整的名单单位。"})
    effective_on = None
    raw_date = _text(body.effective_on)
    if raw_date:
        try:
            effective_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            return Status(
                422, {"detail": f"生效日期“{raw_date[:20]}”无效，请按 YYYY-MM-DD 填写（如 2024-03-01）。"}
            )
    entry = (
        ProvincialListEntry.objects.select_related("unit")
        .filter(uscc=uscc, category=category, level=level)
        .first()
    )
    if entry is None:
        return Status(404, {"detail": "名单库中没有该统一社会信用代码、类别和级别的名单单位，请核对。"})
    try:
        proposal = proposals.propose(
            entry=entry,
            kind=_text(body.kind),
            reason=_text(body.reason),
            effective_on=effective_on,
            new_name=_text(body.new_name),
            actor=user,
        )
    except proposals.ProposalRefused as refusal:
        return _refused(refusal)
    return Status(201, {"id": proposal.pk, "status": proposal.status})


def _decide(request: HttpRequest, proposal_id: int, approve: bool) -> Status:
    user = user_of(request)
    if not user.is_province:
        return Status(403, {"detail": "只有省工业和信息化厅可以审核名单调整建议。"})
    try:
        body = DecisionIn(**_payload(request))
    except BadBody as exc:
        return Status(400, {"detail": str(exc)})
    proposal = RegisterProposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        return Status(404, {"detail": "名单调整建议不存在。"})
    try:
        if approve:
            decided = proposals.approve(
                proposal, actor=user, reason=_text(body.reason), document_number=_text(body.document_number)
            )
        else:
            decided = proposals.reject(proposal, actor=user, reason=_text(body.reason))
    except proposals.ProposalRefused as refusal:
        return _refused(refusal)
    return Status(200, {"id": decided.pk, "status": decided.status})


@router.post(
    "/register/proposals/{proposal_id}/approve",
    response={200: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="省厅批准名单调整建议（撤销生效日期即名单撤销日期）",
    openapi_extra=_body_doc(DecisionIn),
)
def register_approve(request: HttpRequest, proposal_id: int) -> Any:
    return _decide(request, proposal_id, approve=True)


@router.post(
    "/register/proposals/{proposal_id}/reject",
    response={200: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="省厅驳回名单调整建议（须填写理由）",
    openapi_extra=_body_doc(DecisionIn),
)
def register_reject(request: HttpRequest, proposal_id: int) -> Any:
    return _decide(request, proposal_id, approve=False)
