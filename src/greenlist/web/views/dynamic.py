"""年度动态管理 pages: the applicant's filing form, the city's audit of each filing with on-site
checks, the city's import of a filings workbook, the province's cycle progress per city, and the
standing of listed units. Views parse, check the right and delegate to ``greenlist.dynamic``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role, User
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Job
from greenlist.decisions.refusals import NotPermitted
from greenlist.dynamic import progress, service
from greenlist.dynamic import proposals as filing_proposals
from greenlist.dynamic.importer import template_bytes
from greenlist.dynamic.jobs import start_filings_import, upload_refusal
from greenlist.dynamic.models import Filing, FilingState, OnSiteCheck
from greenlist.registry.models import ProvincialListEntry
from greenlist.rules import filing as rules
from greenlist.rules.vocabulary import Category, ListLevel
from greenlist.scoping import unscoped
from greenlist.web.views.common import query_without, require_roles, units_in_view, user_of

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cycle(request: HttpRequest) -> rules.Cycle:
    raw = request.GET.get("cycle") or request.POST.get("cycle")
    try:
        return service.cycle(int(raw) if raw else None)
    except (ValueError, rules.CycleFileError) as exc:
        raise Http404(f"没有该年度的动态管理周期：{raw}") from exc


def _unit_ids(user: User) -> list[int] | None:
    """None: the whole province; else the city's (or department's) own unit."""
    if user.is_province:
        return None
    return [user.unit_id] if user.unit_id is not None else []


def get_filing(request: HttpRequest, pk: int) -> Filing:
    """The filing if the request's scope reaches it; 404 otherwise (never 403)."""
    try:
        return Filing.objects.select_related("entry", "unit").get(pk=pk)
    except Filing.DoesNotExist as exc:
        raise Http404("动态管理表不存在或您无权查看。") from exc


def _own_entries(user: User, the_cycle: rules.Cycle) -> list[ProvincialListEntry]:
    if user.organisation is None:
        return []
    return list(service.entries(the_cycle).filter(uscc=user.organisation.uscc).select_related("unit"))


@login_required
def dynamic_home(request: HttpRequest) -> HttpResponse:
    """The cycle at a glance for the viewer: an applicant's own tables, a city's filings with
    their flags and the units not filed yet, or the province's (all cities)."""
    user = require_roles(request, Role.APPLICANT, Role.CITY, Role.DEPARTMENT, Role.PROVINCE)
    the_cycle = _cycle(request)
    now = timezone.now()
    context: dict[str, object] = {
        "cycle": the_cycle,
        "countdown": progress.countdown(the_cycle, now),
    }
    if user.role == Role.APPLICANT:
        rows = []
        for entry in _own_entries(user, the_cycle):
            filing = Filing.objects.filter(entry=entry, cycle_year=the_cycle.year).first()
            rows.append((entry, filing))
        context["own"] = rows
        return render(request, "web/dynamic_home.html", context)
    unit_ids = _unit_ids(user)
    units = units_in_view(request) if user.is_province else []
    chosen_unit = request.GET.get("unit", "")
    if chosen_unit:
        picked = [u.pk for u in units if u.code == chosen_unit]
        if not picked:
            raise Http404("推荐单位不正确。")
        unit_ids = picked
    # An unknown category or state filters nothing, as on the applications list.
    category = request.GET.get("category", "")
    if category not in {c.value for c in Category}:
        category = ""
    state = request.GET.get("state", "")
    if state not in FilingState.values or state == FilingState.DRAFT:
        state = ""
    filings = (
        Filing.objects.filter(cycle_year=the_cycle.year)
        .exclude(state=FilingState.DRAFT)
        .select_related("entry", "unit")
        .order_by("unit__order", "entry__name", "pk")
    )
    if unit_ids is not None:
        filings = filings.filter(unit_id__in=unit_ids)
    if category:
        filings = filings.filter(entry__category=category)
    if state:
        filings = filings.filter(state=state)
    missing = progress.entries_without_filing(the_cycle, unit_ids)
    if category:
        missing = [e for e in missing if e.category == category]
    # Two lists on one page, each with its own pager; the flags (negative records, last year's
    # values) are worked out for the rows shown only, not the province's hundreds.
    filed_page = Paginator(filings, PAGE_SIZE).get_page(request.GET.get("page"))
    missing_page = Paginator(missing, PAGE_SIZE).get_page(request.GET.get("mpage"))
    shown_filings = list(filed_page.object_list)
    shown_missing = list(missing_page.object_list)
    pairs: list[tuple[ProvincialListEntry, Filing | None]] = [(f.entry, f) for f in shown_filings]
    found = service.flags_of_many(pairs + [(e, None) for e in shown_missing], the_cycle, now)
    context["filings"] = list(zip(shown_filings, found[: len(shown_filings)], strict=True))
    context["missing"] = list(zip(shown_missing, found[len(shown_filings) :], strict=True))
    context["filed_page"] = filed_page
    context["missing_page"] = missing_page
    context["filed_query"] = query_without(request, "page", drop_empty=True)
    context["missing_query"] = query_without(request, "mpage", drop_empty=True)
    context["units"] = units
    context["params"] = {"unit": chosen_unit, "category": category, "state": state}
    context["categories"] = Category.choices()
    context["states"] = [(v, label) for v, label in FilingState.choices if v != FilingState.DRAFT]
    context["proposals_url"] = progress.proposals_url()
    return render(request, "web/dynamic_home.html", context)


@login_required
def filing_form(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """The applicant fills its own table: the form from the data file, last year's value beside
    this year's, and the changes beyond the threshold flagged."""
    user = require_roles(request, Role.APPLICANT)
    the_cycle = _cycle(request)
    entry = ProvincialListEntry.objects.filter(pk=entry_pk).select_related("unit").first()
    if entry is None or not service.may_file(user, entry):
        raise Http404("名单单位不存在或不是本单位。")
    filing = Filing.objects.filter(entry=entry, cycle_year=the_cycle.year).first()
    the_form = service.form(filing.form_version if filing else the_cycle.form_version)
    values: dict[str, str] = dict(filing.values) if filing else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        raw = {f.code: request.POST.get(f.code, "") for f in the_form.fields_for(entry.category)}
        try:
            result = service.save_filing(entry, the_cycle, raw, actor=user, submit=submit)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("dynamic_filing_form", entry_pk=entry.pk)
        if not result.errors:
            assert result.filing is not None
            messages.success(
                request, "动态管理表已提交所属设区市审核。" if submit else "已保存草稿，提交前仍可修改。"
            )
            if submit:
                return redirect("dynamic_filing", pk=result.filing.pk)
            return redirect("dynamic_filing_form", entry_pk=entry.pk)
        errors = result.errors
        values = {k: str(v) for k, v in raw.items()}
        messages.error(request, f"有 {len(errors)} 项需要更正，请按提示修改后再保存。")
    last = service.previous_values(entry, the_cycle.year)
    comparisons = {c.field.code: c for c in rules.compare(the_form, entry.category, values, last)}
    rows = [
        (f, values.get(f.code, ""), last.get(f.code, ""), comparisons.get(f.code), errors.get(f.code, ""))
        for f in the_form.fields_for(entry.category)
    ]
    editable = filing is None or filing.state in service.EDITABLE
    return render(
        request,
        "web/dynamic_form.html",
        {
            "cycle": the_cycle,
            "form": the_form,
            "entry": entry,
            "filing": filing,
            "rows": rows,
            "editable": editable,
            "errors": errors,
            "deadline": the_cycle.deadline("unit"),
        },
    )


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.APPLICANT, Role.CITY, Role.DEPARTMENT, Role.PROVINCE)
    filing = get_filing(request, pk)
    the_cycle = _cycle_of(filing)
    the_form = service.form(filing.form_version)
    last = service.previous_values(filing.entry, filing.cycle_year)
    comparisons = rules.compare(the_form, filing.entry.category, filing.values, last)
    by_code = {c.field.code: c for c in comparisons}
    rows = [
        (f, filing.values.get(f.code, ""), last.get(f.code, ""), by_code.get(f.code))
        for f in the_form.fields_for(filing.entry.category)
    ]
    flags = service.flags(filing.entry, the_cycle, filing) if filing.state != FilingState.DRAFT else []
    may_propose = filing_proposals.may_propose(user, filing)
    return render(
        request,
        "web/dynamic_filing.html",
        {
            "cycle": the_cycle,
            "form": the_form,
            "filing": filing,
            "rows": rows,
            "flags": flags,
            "reviews": filing.reviews.select_related("decided_by"),
            "checks": filing.onsite_checks.all(),
            "may_audit": service.may_audit(user, filing),
            "proposals_url": progress.proposals_url(),
            "today": timezone.localdate(),
            # The register's proposals made from this filing, and the form to make one.
            "proposals": filing_proposals.of_filing(filing) if user.role != Role.APPLICANT else [],
            "may_propose": may_propose,
            "prefill": filing_proposals.prefill(filing, flags) if may_propose else None,
        },
    )


def _cycle_of(filing: Filing) -> rules.Cycle:
    try:
        return service.cycle(filing.cycle_year)
    except rules.CycleFileError as exc:
        raise Http404("该动态管理表所属周期的数据文件已不存在。") from exc


@login_required
@require_POST
def filing_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    filing = get_filing(request, pk)
    due_on: dt.date | None = None
    raw_date = request.POST.get("due_on", "")
    if raw_date:
        try:
            due_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            messages.error(request, f"核查日期“{raw_date}”格式不对，请按 年-月-日 填写，如 2025-03-20。")
            return redirect("dynamic_filing", pk=filing.pk)
    try:
        service.review(
            filing,
            request.POST.get("decision", ""),
            actor=user,
            reason=request.POST.get("reason", ""),
            assignee=request.POST.get("assignee", ""),
            due_on=due_on,
        )
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"已记录：{filing.get_state_display()}。")
    return redirect("dynamic_filing", pk=filing.pk)


def _get_check(request: HttpRequest, pk: int) -> OnSiteCheck:
    try:
        return OnSiteCheck.objects.select_related("filing").get(pk=pk)
    except OnSiteCheck.DoesNotExist as exc:
        raise Http404("现场核查不存在或您无权查看。") from exc


@login_required
@require_POST
def onsite_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    check = _get_check(request, pk)
    upload = request.FILES.get("attachment")
    try:
        service.record_onsite(
            check,
            actor=user,
            findings=request.POST.get("findings", ""),
            name=(upload.name or "核查材料") if upload else "",
            data=upload if upload else None,
        )
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "现场核查结果已记录；请据此作出审核结论。")
    return redirect("dynamic_filing", pk=check.filing_id)


@login_required
def onsite_file(request: HttpRequest, pk: int) -> FileResponse:
    require_roles(request, Role.CITY, Role.PROVINCE)
    check = _get_check(request, pk)
    if not check.attachment:
        raise Http404("该现场核查没有上传材料。")
    return FileResponse(check.attachment.open("rb"), as_attachment=True, filename=check.attachment_name)


@login_required
def cycle_progress(request: HttpRequest) -> HttpResponse:
    """Each city's progress in the cycle (filed / audited / on-site / proposals) and the deadline
    countdown of every stage."""
    user = require_roles(request, Role.PROVINCE, Role.CITY)
    the_cycle = _cycle(request)
    rows = progress.city_progress(the_cycle, units_in_view(request))
    totals = progress.UnitProgress(unit=rows[0].unit) if rows else None
    if totals is not None:
        for row in rows:
            totals.listed += row.listed
            totals.filed += row.filed
            totals.audited += row.audited
            totals.accepted += row.accepted
            totals.onsite += row.onsite
            if row.proposals is not None:
                totals.proposals = (totals.proposals or 0) + row.proposals
    return render(
        request,
        "web/dynamic_progress.html",
        {
            "cycle": the_cycle,
            "rows": rows,
            "totals": totals,
            "countdown": progress.countdown(the_cycle),
            "cycles": rules.available_cycles(service.data_dir()),
            "province": user.is_province,
        },
    )


@login_required
def standing(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE, Role.CITY)
    try:
        category = Category(request.GET.get("category") or Category.FACTORY.value)
        level = ListLevel(request.GET.get("level") or ListLevel.PROVINCIAL.value)
    except ValueError as exc:
        raise Http404("类别或级别不正确。") from exc
    unit_ids = _unit_ids(user)
    units = units_in_view(request)
    chosen = request.GET.get("unit", "")
    if user.is_province and chosen:
        picked = [u.pk for u in units if u.code == chosen]
        if not picked:
            raise Http404("推荐单位不正确。")
        unit_ids = picked
    with unscoped():
        table = progress.standing_table(category, level, unit_ids)
    page = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/dynamic_standing.html",
        {
            "table": table,
            "page": page,
            "query": query_without(request, "page", drop_empty=True),
            "categories": list(Category),
            "levels": list(ListLevel),
            "category": category,
            "level": level,
            "units": units if user.is_province else [],
            "unit": chosen,
        },
    )


@login_required
def filings_import(request: HttpRequest) -> HttpResponse:
    """Upload → bounded inspection → a queued job; the worker imports and the job page shows its
    progress and result (docs/dynamic-management.md, "Importing a workbook")."""
    user = require_roles(request, Role.CITY)
    the_cycle = _cycle(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        error = upload_refusal(upload)
        if not error:
            assert upload is not None
            try:
                job = start_filings_import(
                    name=upload.name or "动态管理表.xlsx",
                    chunks=upload.chunks(),
                    the_cycle=the_cycle,
                    actor=user,
                )
            except NotPermitted as refusal:
                raise PermissionDenied(str(refusal)) from refusal
            return redirect("job", pk=job.pk)
    return render(
        request,
        "web/dynamic_import.html",
        {
            "cycle": the_cycle,
            "error": error,
            "name": user_of(request).unit,
            "jobs": Job.objects.filter(created_by=user, kind=Job.Kind.FILINGS)[:10],
        },
    )


@login_required
def filings_template(request: HttpRequest) -> HttpResponse:
    require_roles(request, Role.CITY, Role.PROVINCE)
    the_cycle = _cycle(request)
    content = template_bytes(the_cycle, service.form(the_cycle.form_version))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''dynamic-filings.xlsx"
    return response
