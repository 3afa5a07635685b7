"""Yearly dynamic management over HTTP, read only (docs/contracts/http.md): the 动态管理表 a caller
may see, with their flags (DM1–DM4), scoped as on the pages. Filing and auditing stay on the pages
and the workbook import."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from greenlist.accounts.models import Role
from greenlist.api.common import require
from greenlist.api.schemas import ErrorOut, FilingOut
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing, FilingState
from greenlist.registry.register import BadFilter, parse_unit
from greenlist.rules import filing as rules

router = Router(tags=["年度动态管理"])


@router.get(
    "/dynamic/filings",
    response={200: list[FilingOut], 400: ErrorOut, 403: ErrorOut},
    summary="年度动态管理表（按角色范围，只读）",
    description=(
        "参数：cycle（填报年度，如 2025；缺省为当前周期）、unit（推荐单位名称或代码，可选）。"
        "省厅可见全部，推荐单位及其征求意见部门可见本单位的已提交表，申报单位可见本单位自身的表（含草稿）。"
        "`flags` 为 DM1–DM4 提示（规则编号、条款与说明）。评审机构无权调用（403）。"
    ),
)
def filings_list(request: HttpRequest) -> Any:
    user = require(request, Role.PROVINCE, Role.CITY, Role.DEPARTMENT, Role.APPLICANT)
    raw_cycle = (request.GET.get("cycle") or "").strip()
    try:
        the_cycle = service.cycle(int(raw_cycle) if raw_cycle else None)
    except (ValueError, rules.CycleFileError):
        return Status(
            400, {"detail": f"没有该年度的动态管理周期：“{raw_cycle[:10]}”，请填写填报年度，如 2025。"}
        )
    try:
        unit = parse_unit(request.GET.get("unit") or "")
    except BadFilter as exc:
        return Status(400, {"detail": str(exc)})
    # The scoped manager keeps every caller to what its pages show; a unit outside it gives [].
    filings = Filing.objects.filter(cycle_year=the_cycle.year).select_related("entry", "unit")
    if user.role != Role.APPLICANT:
        filings = filings.exclude(state=FilingState.DRAFT)  # a draft is the applicant's own
    if unit is not None:
        filings = filings.filter(unit=unit)
    rows = list(filings.order_by("unit__order", "entry__name", "pk"))
    found = service.flags_of_many(
        [(f.entry, f) if f.state != FilingState.DRAFT else (f.entry, None) for f in rows],
        the_cycle,
        timezone.now(),
    )
    return Status(
        200,
        [
            {
                "id": f.pk,
                "cycle": f.cycle_year,
                "uscc": f.uscc,
                "name": f.entry.name,
                "category": f.entry.category,
                "level": f.entry.level,
                "unit": f.unit.name,
                "state": f.state,
                "state_label": f.get_state_display(),
                "form_version": f.form_version,
                "submitted_at": f.submitted_at,
                "values": f.values,
                "flags": (
                    [{"rule": x.rule, "clause": x.clause, "message": x.message} for x in flags]
                    if f.state != FilingState.DRAFT
                    else []
                ),
            }
            for f, flags in zip(rows, found, strict=True)
        ],
    )
