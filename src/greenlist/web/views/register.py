"""The green-unit register (绿色制造名单库): the list with filters, a unit's timeline, the city's
removal and rename proposals and the province's decisions on them, and the province's summary to
send on. Views parse, check the role, and delegate to ``greenlist.registry.proposals``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.documents.register_summary import proposal_summary_docx, proposal_summary_xlsx
from greenlist.registry import history, proposals
from greenlist.registry.models import (
    CultivationTarget,
    ProvincialListEntry,
    RecommendingUnit,
    RegisterProposal,
)
from greenlist.registry.register import (
    BadFilter,
    Filters,
    cultivation_validity,
    event_detail,
    national_shown_at_provincial,
    register_rows,
    visible_entries,
)
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus
from greenlist.scoping import current_scope
from greenlist.web.views.common import bad_request, require_roles, role_of, user_of

READERS = (Role.PROVINCE, Role.CITY, Role.DEPARTMENT)
PAGE_SIZE = 50


def _entry_or_404(request: HttpRequest, pk: int) -> ProvincialListEntry:
    entry = visible_entries(current_scope()).select_related("unit").filter(pk=pk).first()
    if entry is None:
        raise Http404("名单单位不存在或您无权查看。")
    return entry


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    require_roles(request, *READERS)
    try:
        filters = Filters.parse(request.GET)
    except BadFilter as exc:
        return bad_request(request, str(exc))
    rows = register_rows(current_scope(), filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    validity = {level: cultivation_validity(level) for level in (ListLevel.PROVINCIAL, ListLevel.MUNICIPAL)}
    return render(
        request,
        "web/register_list.html",
        {
            "page": page,
            "query": urlencode(kept),
            "filters": filters,
            "params": {k: request.GET.get(k, "") for k in ("category", "level", "unit", "status", "q")},
            "categories": Category.choices(),
            "levels": ListLevel.choices(),
            "statuses": ListStatus.choices(),
            "units": RecommendingUnit.objects.all() if user_of(request).is_province else [],
            "is_city": role_of(request) == Role.CITY,
            "validity": validity,
            "national_shown": national_shown_at_provincial(),
            "pending": RegisterProposal.objects.filter(status=RegisterProposal.Status.PENDING).count(),
        },
    )


@login_required
def register_entry(request: HttpRequest, pk: int) -> HttpResponse:
    require_roles(request, *READERS)
    entry = _entry_or_404(request, pk)
    user = user_of(request)
    may_propose = (
        role_of(request) == Role.CITY and user.unit_id == entry.unit_id and entry.status == ListStatus.ACTIVE
    )
    return render(
        request,
        "web/register_entry.html",
        {
            "entry": entry,
            "category": Category(entry.category).label,
            "level": ListLevel(entry.level).label,
            "status": ListStatus(entry.status).label,
            "events": [
                {"event": event, "detail": event_detail(event)}
                for event in entry.events.select_related("actor").order_by("on", "id")
            ],
            "former_names": entry.former_names.order_by("until", "id"),
            "proposals": RegisterProposal.objects.filter(entry=entry).select_related(
                "proposed_by", "decided_by", "filing"
            ),
            "may_propose": may_propose,
            "kinds": RegisterProposal.Kind.choices,
            "may_record": user.is_province,
            "event_kinds": [(k.value, k.label) for k in history.MANUAL_KINDS],
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def register_propose(request: HttpRequest, pk: int) -> HttpResponse:
    require_roles(request, Role.CITY)
    entry = _entry_or_404(request, pk)
    raw_date = request.POST.get("effective_on", "").strip()
    effective_on = None
    if raw_date:
        try:
            effective_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            messages.error(request, f"生效日期“{raw_date[:20]}”无效，请按“2024-03-01”的格式填写。")
            return redirect("register_entry", pk=entry.pk)
    try:
        proposals.propose(
            entry=entry,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            effective_on=effective_on,
            new_name=request.POST.get("new_name", ""),
            actor=user_of(request),
        )
    except proposals.Forbidden as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except proposals.ProposalRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("register_entry", pk=entry.pk)
    messages.success(request, f"已提出对“{entry.name}”的调整建议，等待省厅审核。")
    return redirect("register_entry", pk=entry.pk)


@login_required
def register_proposals(request: HttpRequest) -> HttpResponse:
    require_roles(request, *READERS)
    status = request.GET.get("status", "")
    if status and status not in RegisterProposal.Status.values:
        return bad_request(request, f"状态“{status[:20]}”无效，请从“状态”下拉列表中选择。")
    rows = RegisterProposal.objects.select_related("entry", "entry__unit", "proposed_by", "decided_by")
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("status", "-proposed_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/register_proposals.html",
        {
            "page": page,
            "query": urlencode({"status": status} if status else {}),
            "status": status,
            "statuses": RegisterProposal.Status.choices,
            "may_decide": user_of(request).is_province,
            "years": sorted(
                {
                    day.year
                    for day in RegisterProposal.objects.filter(
                        status=RegisterProposal.Status.APPROVED
                    ).values_list("effective_on", flat=True)
                },
                reverse=True,
            ),
        },
    )


@login_required
@require_POST
def register_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    proposal = RegisterProposal.objects.filter(pk=pk).select_related("entry").first()
    if proposal is None:
        raise Http404("名单调整建议不存在。")
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            proposals.approve(
                proposal, actor=user, reason=reason, document_number=request.POST.get("document_number", "")
            )
            messages.success(request, f"已批准“{proposal.entry.name}”的{proposal.get_kind_display()}建议。")
        elif action == "reject":
            proposals.reject(proposal, actor=user, reason=reason)
            messages.success(request, f"已驳回“{proposal.entry.name}”的{proposal.get_kind_display()}建议。")
        else:
            messages.error(request, "请选择“批准”或“驳回”。")
    except proposals.ProposalRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("register_proposals")


@login_required
def register_summary(request: HttpRequest, kind: str) -> HttpResponse:
    require_roles(request, Role.PROVINCE)
    if kind not in ("xlsx", "docx"):
        raise Http404("文件格式只能是 .xlsx 或 .docx。")
    approved = RegisterProposal.objects.filter(status=RegisterProposal.Status.APPROVED).select_related(
        "entry", "entry__unit"
    )
    raw_year = request.GET.get("year", "").strip()
    year = None
    if raw_year:
        if not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100:
            return bad_request(request, f"年度“{raw_year[:20]}”无效，请填写四位年份（如 2024）。")
        year = int(raw_year)
        approved = approved.filter(effective_on__year=year)
    summary = proposals.summary(approved, year=year)
    if kind == "xlsx":
        content = proposal_summary_xlsx(summary)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = proposal_summary_docx(summary)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=mime)
    filename = f"{summary.title}.{kind}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"register-summary.{kind}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@login_required
@require_POST
def register_event(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    entry = _entry_or_404(request, pk)
    try:
        history.record_event(
            entry,
            kind=request.POST.get("kind", ""),
            on=_date(request.POST.get("on", "")),
            detail=request.POST.get("detail", ""),
            document_number=request.POST.get("document_number", ""),
            actor=user,
        )
    except BadDate as exc:
        messages.error(request, str(exc))
    except proposals.ProposalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已记入该单位的历史。")
    return redirect("register_entry", pk=entry.pk)


class BadDate(ValueError):
    pass


def _date(raw: str) -> dt.date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadDate(f"日期“{text[:20]}”无效，请按“2024-03-01”的格式填写。") from exc


@login_required
def register_cultivation(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, *READERS)
    if request.method == "POST":
        if role_of(request) not in (Role.PROVINCE, Role.CITY):
            raise PermissionDenied("只有省厅和推荐单位可以确定培育对象。")
        unit = (
            RecommendingUnit.objects.filter(code=request.POST.get("unit", "")).first()
            if user.is_province
            else user.unit
        )
        if unit is None:
            messages.error(request, "请选择推荐单位。")
            return redirect("register_cultivation")
        try:
            target = history.name_cultivation_target(
                uscc=request.POST.get("uscc", ""),
                name=request.POST.get("name", ""),
                category=request.POST.get("category", ""),
                level=request.POST.get("level", ""),
                unit=unit,
                named_on=_date(request.POST.get("named_on", "")),
                note=request.POST.get("note", ""),
                actor=user,
            )
        except BadDate as exc:
            messages.error(request, str(exc))
        except proposals.Forbidden as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        except proposals.ProposalRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, f"已将“{target.name}”列为培育对象，有效期至{target.valid_until:%Y-%m-%d}。"
            )
        return redirect("register_cultivation")
    level = request.GET.get("level", "")
    if level and level not in (ListLevel.PROVINCIAL, ListLevel.MUNICIPAL):
        return bad_request(request, f"级别“{level[:20]}”无效，请选择省级或市级。")
    today = timezone.localdate()
    targets = CultivationTarget.objects.select_related("unit")
    if level:
        targets = targets.filter(level=level)
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/register_cultivation.html",
        {
            "page": page,
            "query": urlencode({"level": level} if level else {}),
            "level": level,
            "today": today,
            "levels": [(lv.value, lv.label) for lv in (ListLevel.PROVINCIAL, ListLevel.MUNICIPAL)],
            "categories": Category.choices(),
            "validity": {
                lv.label: cultivation_validity(lv) for lv in (ListLevel.PROVINCIAL, ListLevel.MUNICIPAL)
            },
            "may_name": role_of(request) in (Role.PROVINCE, Role.CITY),
            "units": RecommendingUnit.objects.all() if user.is_province else [],
        },
    )
