"""Pages of the province's selection (expert pool, assignments and results, meetings, 公示 and
objections), the expert's own pages, and the public 公示 page (no login)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application, Attachment
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import NotPermitted
from greenlist.registry.models import RecommendingUnit
from greenlist.rules import review as review_rules
from greenlist.rules.vocabulary import Category
from greenlist.selection import documents, services
from greenlist.selection.forms import CloseObjectionForm, ExpertForm, MeetingForm, NoticeForm, ObjectionForm
from greenlist.selection.models import (
    Expert,
    MeetingDecision,
    Objection,
    PublicNotice,
    ReviewAssignment,
    ReviewMeeting,
)
from greenlist.web.views.common import current_batch, query_without, require_roles
from greenlist.web.views.documents import download

PAGE_SIZE = 50


@dataclass(frozen=True)
class _Filtered:
    """The review list narrowed by the page's filters, and the choices to show."""

    applications: QuerySet[Application]
    unit: str
    category: str
    state: str
    units: list[RecommendingUnit]
    categories: list[tuple[str, str]]
    states: list[tuple[str, str]]


def _filtered(request: HttpRequest, applications: QuerySet[Application]) -> _Filtered:
    """Narrow by recommending unit, category and state; an unknown value filters nothing."""
    units = list(RecommendingUnit.objects.all())
    unit = request.GET.get("unit", "")
    category = request.GET.get("category", "")
    state = request.GET.get("state", "")
    states = [(s.value, s.label) for s in State if s.value in services.REVIEWABLE]
    if unit in {u.code for u in units}:
        applications = applications.filter(unit__code=unit)
    else:
        unit = ""
    if category in {c.value for c in Category}:
        applications = applications.filter(category=category)
    else:
        category = ""
    if state in {value for value, _ in states}:
        applications = applications.filter(state=state)
    else:
        state = ""
    return _Filtered(applications, unit, category, state, units, Category.choices(), states)


def _refused(request: HttpRequest, refusal: ActionRefused) -> None:
    messages.error(request, str(refusal))


def _get(model: Any, pk: int) -> Any:
    """The row if the request's scope reaches it; 404 otherwise."""
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("记录不存在或您无权查看。")
    return found


# Expert pool ---------------------------------------------------------------------------------


@login_required
def experts(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.add_expert(actor=user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已将{expert.name}加入专家库。")
            return redirect("review_experts")
    pool = Expert.objects.select_related("unit", "user").order_by("-active", "name")
    return render(request, "web/review_experts.html", {"form": form, "experts": pool})


@login_required
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    expert = _get(Expert, pk)
    form = ExpertForm(request.POST or None, instance=Expert.unscoped.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expert(expert, form.cleaned_data, actor=user)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "专家信息已保存。")
            return redirect("review_experts")
    return render(request, "web/review_expert_edit.html", {"form": form, "expert": expert})


# Assignments and results (province) -------------------------------------------------------------


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                assignment = _get(ReviewAssignment, int(request.POST.get("assignment", 0) or 0))
                services.withdraw(assignment, actor=user, reason=request.POST.get("reason", ""))
                messages.success(request, f"已撤回专家{assignment.expert.name}的评审分配。")
            else:
                application = _get(Application, int(request.POST.get("application", 0) or 0))
                expert = _get(Expert, int(request.POST.get("expert", 0) or 0))
                services.assign(application, expert, actor=user)
                messages.success(request, f"已分配专家{expert.name}评审“{application.listed_name}”。")
        except ActionRefused as refusal:
            _refused(request, refusal)
        except ValueError:
            messages.error(request, "请选择申报和专家后再提交。")
        # Back to the same page of the same filtered list the form was sent from.
        query = request.GET.copy()
        query["batch"] = batch.code
        return redirect(f"{request.path}?{query.urlencode()}")
    sheets = services.sheets_for(batch)
    filtered = _filtered(request, services.reviewable(batch))
    page = Paginator(filtered.applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/review_assignments.html",
        {
            "batch": batch,
            "page": page,
            "query": query_without(request, "page", drop_empty=True),
            "rows": services.results(batch, page.object_list),
            "filters": filtered,
            "experts": Expert.objects.filter(active=True).select_related("unit"),
            "sheets": sheets,
        },
    )


# The expert's pages ---------------------------------------------------------------------------


@login_required
def expert_home(request: HttpRequest) -> HttpResponse:
    require_roles(request, Role.EXPERT)
    mine = (
        ReviewAssignment.objects.filter(withdrawn_at=None)
        .select_related("application__organisation", "application__unit", "application__batch", "expert")
        .order_by("-assigned_at")
    )
    return render(request, "web/review_home.html", {"assignments": mine})


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.EXPERT)
    assignment = _get(ReviewAssignment, pk)
    if assignment.withdrawn_at is not None:
        raise Http404("该评审分配已撤回。")
    application = Application.objects.select_related("organisation", "unit", "evaluator", "batch").get(
        pk=assignment.application_id
    )
    sheets = services.sheets_for(application.batch)
    form_sheet = sheets.sheet(application.category)
    errors: dict[str, str] = {}
    entered: dict[str, str] = dict(assignment.points)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "recuse":
                services.recuse(assignment, actor=user, reason=request.POST.get("reason", ""))
                messages.success(request, "已申请回避，该申报已从您的评审任务中撤回。")
                return redirect("review_home")
            if request.POST.get("action") == "declare":
                services.declare(assignment, actor=user, confirmed=request.POST.get("confirm") == "on")
                messages.success(request, "已签署无利益冲突声明，可以开始评分。")
                return redirect("review_sheet", pk=pk)
            entered = {item.id: request.POST.get(f"item_{item.id}", "") for item in form_sheet.items}
            services.score(assignment, entered, actor=user, comment=request.POST.get("comment", ""))
            messages.success(request, "评分已提交。")
            return redirect("review_sheet", pk=pk)
        except review_rules.ScoreError as problem:
            errors = problem.errors
            messages.error(request, "评分未保存：请按提示修改标红的项目。")
        except ActionRefused as refusal:
            _refused(request, refusal)
    items = [(item, entered.get(item.id, ""), errors.get(item.id, "")) for item in form_sheet.items]
    return render(
        request,
        "web/review_sheet.html",
        {
            "assignment": assignment,
            "application": application,
            "sheet": form_sheet,
            "sheets": sheets,
            "items": items,
            "declaration": services.DECLARATION,
            "attachments": Attachment.objects.filter(application=application).order_by("kind", "id"),
            "open": application.state == State.CITY_RECOMMENDED,
        },
    )


# Review meetings --------------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.record_meeting(batch, actor=user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "会审记录已保存，请逐项记录会审决定。")
            return redirect("review_meeting", pk=meeting.pk)
    return render(
        request,
        "web/review_meetings.html",
        {"batch": batch, "form": form, "meetings": ReviewMeeting.objects.filter(batch=batch)},
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    record = _get(ReviewMeeting, pk)
    if request.method == "POST":
        try:
            application = _get(Application, int(request.POST.get("application", 0) or 0))
            services.decide(
                record,
                application,
                request.POST.get("target", ""),
                actor=user,
                basis=request.POST.get("basis", ""),
                acknowledge=tuple(request.POST.getlist("acknowledge")),
            )
        except ActionRefused as refusal:
            _refused(request, refusal)
        except ValueError:
            messages.error(request, "请选择申报后再提交。")
        else:
            messages.success(request, f"已记录对“{application.listed_name}”的会审决定。")
        return redirect(request.get_full_path())
    filtered = _filtered(request, services.reviewable(record.batch))
    page = Paginator(filtered.applications, PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = Paginator(
        MeetingDecision.objects.filter(meeting=record)
        .select_related("application__organisation")
        .order_by("pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("dpage"))
    return render(
        request,
        "web/review_meeting.html",
        {
            "meeting": record,
            "page": page,
            "query": query_without(request, "page", drop_empty=True),
            "rows": services.results(record.batch, page.object_list),
            "filters": filtered,
            "decisions": decisions,
            "decisions_query": query_without(request, "dpage", drop_empty=True),
            "targets": [(s.value, s.label) for s in services.DECISIONS],
        },
    )


# 公示 and objections (province) -----------------------------------------------------------------


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    params = services.notice_parameters()
    form = NoticeForm(
        request.POST or None,
        initial={
            "title": services.default_notice_title(batch),
            "starts_on": timezone.localdate(),
            "days": params.days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.publish_notice(batch, actor=user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "公示已发布。")
            return redirect("notice_detail", pk=notice.pk)
    return render(
        request,
        "web/notices.html",
        {
            "batch": batch,
            "form": form,
            "params": params,
            "notices": PublicNotice.objects.filter(batch=batch),
            "candidates": services.notice_entries(batch),
        },
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    notice = _get(PublicNotice, pk)
    form = ObjectionForm(entries=notice.entries)
    close_form = CloseObjectionForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                close_form = CloseObjectionForm(request.POST)
                objection = _get(Objection, int(request.POST.get("objection", 0) or 0))
                if objection.notice_id != notice.pk:
                    raise Http404("记录不存在或您无权查看。")
                if close_form.is_valid():
                    services.close_objection(
                        objection,
                        actor=user,
                        outcome=close_form.cleaned_data["outcome"],
                        text=close_form.cleaned_data["outcome_text"],
                    )
                    messages.success(request, "异议已办结。")
                    return redirect("notice_detail", pk=pk)
            else:
                form = ObjectionForm(request.POST, request.FILES, entries=notice.entries)
                if form.is_valid():
                    upload = form.cleaned_data["evidence"]
                    services.add_objection(
                        notice,
                        actor=user,
                        application_id=form.cleaned_data["application"],
                        name=form.cleaned_data["name"],
                        contact=form.cleaned_data["contact"],
                        statement=form.cleaned_data["statement"],
                        received_on=form.cleaned_data["received_on"],
                        evidence_name=upload.name if upload else "",
                        evidence=upload.file if upload else None,
                    )
                    messages.success(request, "异议已登记。")
                    return redirect("notice_detail", pk=pk)
        except ValueError:
            messages.error(request, "请选择要办结的异议。")
        except ActionRefused as refusal:
            _refused(request, refusal)
    gate = services.gate(notice)
    return render(
        request,
        "web/notice_detail.html",
        {
            "notice": notice,
            "objections": Objection.objects.filter(notice=notice),
            "form": form,
            "close_form": close_form,
            "gate": gate,
            "final": services.final_entries(notice) if gate.open or notice.finalised_at else None,
        },
    )


@login_required
def objection_evidence(request: HttpRequest, pk: int, objection_id: int) -> HttpResponse:
    require_roles(request, Role.PROVINCE)
    objection = Objection.objects.filter(pk=objection_id, notice_id=pk).first()
    if objection is None or not objection.evidence:
        raise Http404("证明材料不存在。")
    with objection.evidence.open("rb") as handle:
        return download(handle.read(), f"异议证明材料-{objection.pk}.{objection.evidence_type}")


@login_required
@require_POST
def notice_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """Produce the final list: an explicit action (POST), audited the first time."""
    user = require_roles(request, Role.PROVINCE)
    notice = _get(PublicNotice, pk)
    try:
        entries = services.produce_final_list(notice, actor=user)
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except ActionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, f"最终名单已形成（共 {len(entries)} 个），可以下载。")
    return redirect("notice_detail", pk=pk)


@login_required
@require_GET
def notice_final(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download the final list already produced; changes nothing."""
    user = require_roles(request, Role.PROVINCE)
    notice = _get(PublicNotice, pk)
    if fmt not in ("xlsx", "docx"):
        raise Http404("仅提供 .xlsx 和 .docx 两种格式。")
    try:
        entries = services.produced_final_list(notice, actor=user)
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except ActionRefused as refusal:
        _refused(request, refusal)
        return redirect("notice_detail", pk=pk)
    data = documents.final_xlsx(notice, entries) if fmt == "xlsx" else documents.final_docx(notice, entries)
    return download(data, f"{documents.final_title(notice)}.{fmt}")


# The public page ----------------------------------------------------------------------------------

PUBLIC_MAX_AGE = 300  # seconds: a published notice changes only when the province finalises it


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """No login. One row read (the notice with its precomputed list and its batch's title);
    nothing about applications, people or other batches."""
    notice = PublicNotice.unscoped.select_related("batch").filter(pk=pk).first()
    if notice is None:
        raise Http404("公示不存在。")
    today = timezone.localdate()
    status = "未开始" if today < notice.starts_on else ("公示中" if today <= notice.ends_on else "公示期已满")
    response = render(
        request,
        "web/gongshi.html",
        # Before its first day the notice is announced, its list not yet made public.
        {"notice": notice, "status": status, "today": today, "started": today >= notice.starts_on},
    )
    response["X-Robots-Tag"] = "noarchive"
    # An ETag from the page itself: a reader's browser revalidating gets 304 without the body.
    set_response_etag(response)
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    assert isinstance(conditional, HttpResponse)  # given a response, it returns one (or a 304)
    return conditional
