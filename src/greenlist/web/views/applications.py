"""Thin views: parse, check access through ``access``, delegate to domain actions, render."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from greenlist.accounts.claims import pending_claim
from greenlist.accounts.models import Role, User
from greenlist.audit.models import AuditEvent
from greenlist.campaign import workflow
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.deadline import unit_deadline
from greenlist.campaign.models import Application, Batch, Engagement, UnitSubmission
from greenlist.campaign.workflow import RECOMMENDED_STATES, State
from greenlist.decisions.rulings import reverse_ruling, rule_on_finding
from greenlist.decisions.transitions import LISTING, transition
from greenlist.rules.vocabulary import Category, Effect
from greenlist.screening import verdicts
from greenlist.screening.models import Ruling
from greenlist.web import charts
from greenlist.web.access import get_application
from greenlist.web.export import export_query, wants_xlsx, xlsx_response
from greenlist.web.templatetags.greenlist import rule_title
from greenlist.web.todo import home_for
from greenlist.web.views.account import pending_home
from greenlist.web.views.common import current_batch, query_without, require_roles, role_of, user_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    claim = pending_claim(user_of(request))
    if claim is not None:
        return pending_home(request, claim)
    user = user_of(request)
    batch = current_batch(request)
    home = home_for(user, batch)
    if user.role in (Role.APPLICANT, Role.EVALUATOR, Role.DEPARTMENT):
        # Their landing page is their task list: the counts below are the city's and province's.
        return render(request, "web/home.html", {"home": home, "batch": batch, **_own(user, batch)})
    applications = Application.objects.all()
    states = Counter(dict(applications.values_list("state").annotate(n=Count("id"))))
    by_category = Counter(dict(applications.values_list("category").annotate(n=Count("id"))))
    context: dict[str, Any] = {
        "states": [(state.label, states.get(state.value, 0), state.value) for state in State],
        "categories": [(category.label, by_category.get(category.value, 0)) for category in Category],
        "total": sum(states.values()),
        "recent": applications.select_related("organisation", "unit").order_by("-updated_at")[:10],
        "home": home,
    }
    if user.is_province:
        context["screening"] = stored = verdicts.stored(batch)
        result = stored.result
        recommended = Counter(
            Application.objects.filter(
                batch=batch, category="factory", state__in=RECOMMENDED_STATES
            ).values_list("unit__name", flat=True)
        )
        context["charts"] = [
            (
                "chart-quota",
                "各推荐单位拟推荐绿色工厂数与名额（Q1）",
                charts.quota_chart(result, recommended),
            ),
            (
                "chart-evaluators",
                "第三方评价机构本批次项目数（全省合计，V3）",
                charts.evaluator_chart(result),
            ),
            ("chart-categories", "各类别申报与筛查结论", charts.category_chart(result)),
            ("chart-states", "申报办理状态", charts.state_chart(states)),
        ]
        # A batch without a quota (Q1 off) or without third-party evaluation has neither chart.
        context["charts"] = [
            chart
            for chart in context["charts"]
            if (chart[0] != "chart-quota" or result.batch.on("Q1"))
            and (chart[0] != "chart-evaluators" or result.batch.third_party_allowed)
        ]
        context["over_quota"] = [
            q.unit.name for q in result.quotas if result.batch.on("Q1") and recommended[q.unit.name] > q.quota
        ]
        context["over_cap"] = [e.evaluator.name for e in result.evaluators if e.projects > e.cap]
        context["submitted"] = UnitSubmission.objects.filter(batch=batch, submitted_at__isnull=False).count()
        context["unit_count"] = len(result.quotas)
    elif user.role == Role.CITY and user.unit is not None:
        context["screening"] = stored = verdicts.stored(batch, unit_names=[user.unit.name])
        result = stored.result
        quota = result.quotas[0]
        recommended_count = Application.objects.filter(
            batch=batch, category="factory", state__in=RECOMMENDED_STATES
        ).count()
        deadline = unit_deadline(batch, user.unit)
        context["unit_status"] = {
            "quota": quota.quota,
            "limited": result.batch.on("Q1"),
            "recommended": recommended_count,
            "percent": min(100, round(100 * recommended_count / quota.quota)) if quota.quota else 0,
            "excluded": sum(1 for r in result.applications if not r.eligible),
            "attention": sum(
                1 for r in result.applications if r.eligible and r.of(Effect.WARN, Effect.BLOCK)
            ),
            "consulted": len(quota.unit.consulted_departments),
            "deadline": deadline,
            "due": deadline.due,
            "days_left": deadline.days_left,
            "blockers": quota.findings,
        }
    return render(request, "web/dashboard.html", context)


def _own(user: User, batch: Batch) -> dict[str, Any]:
    """What the applicant, evaluator or department sees below its 待办: its own applications."""
    if user.role == Role.APPLICANT:
        return {
            "own": Application.objects.filter(batch=batch)
            .select_related("organisation", "unit")
            .order_by("category")
        }
    if user.role == Role.EVALUATOR:
        return {
            "own": Application.objects.filter(batch=batch)
            .select_related("organisation", "unit")
            .order_by("-updated_at")[:20]
        }
    return {
        "own": Application.objects.filter(batch=batch, state=State.CITY_RECOMMENDED)
        .select_related("organisation", "unit")
        .order_by("category", "id")
    }


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    # One batch at a time (the current one unless ?batch= names another): several campaigns run
    # side by side and a firm may apply in more than one.
    batch = current_batch(request)
    applications = Application.objects.filter(batch=batch).select_related("organisation", "unit", "evaluator")
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()
    if state in State.values:
        applications = applications.filter(state=state)
    if category in {c.value for c in Category}:
        applications = applications.filter(category=category)
    if query:
        applications = applications.filter(organisation__name__contains=query)
    if wants_xlsx(request):
        return xlsx_response(
            "申报列表.xlsx",
            "申报",
            ["统一社会信用代码", "名称", "申报类别", "推荐单位", "评价机构", "评价得分", "状态", "提交时间"],
            (
                [
                    a.organisation.uscc,
                    a.organisation.name,
                    a.get_category_display(),
                    a.unit.name,
                    a.evaluator.name if a.evaluator else "",
                    a.score,
                    a.get_state_display(),
                    timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                ]
                for a in applications.order_by("pk").iterator(chunk_size=1000)
            ),
        )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/application_list.html",
        {
            "page": page,
            "batch": batch,
            "batches": Batch.objects.order_by("-code"),
            "states": State.choices,
            "categories": Category.choices(),
            "state": state,
            "category": category,
            "q": query,
            "export_query": export_query(request),
        },
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request, pk)
    history = AuditEvent.objects.filter(object_type="campaign.Application", object_id=str(application.pk))
    stored = verdicts.stored(application.batch, ids=[application.pk])
    screened = stored.result.by_key().get(str(application.pk))
    return render(
        request,
        "web/application_detail.html",
        {
            "application": application,
            "transitions": workflow.available(application.state, role_of(request)),
            "history": history.select_related(
                "actor__unit", "actor__organisation", "actor__evaluator"
            ).order_by("-id"),
            "screened": screened,
            "screening": stored,
            "listing_targets": [str(s) for s in LISTING],
            "can_rule": role_of(request) in (Role.CITY, Role.PROVINCE),
            "rulable": [
                f
                for f in (screened.findings if screened else ())
                if f.effect in (Effect.EXCLUDE, Effect.WARN) and not f.ruling
            ],
            "to_acknowledge": [
                f
                for f in (screened.findings if screened else ())
                if f.effect is Effect.WARN and not f.dismissed
            ],
            "attachments": application.attachments.exclude(kind="picture").order_by("kind", "-uploaded_at"),
            "editable": application.state in workflow.EDITABLE_STATES,
            "returned_reason": history.filter(details__to="returned")
            .order_by("-id")
            .values_list("reason", flat=True)
            .first()
            if application.state == "returned"
            else None,
            "rule_texts": application.batch.parameters.rules,
            "engagement": Engagement.objects.filter(
                application=application, evaluator_id=application.evaluator_id
            )
            .select_related("evaluator")
            .first()
            if application.evaluator_id
            else None,
        },
    )


@login_required
@require_POST
def application_ruling(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.PROVINCE)
    application = get_application(request, pk)
    try:
        rule_on_finding(
            application,
            request.POST.get("fingerprint", ""),
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
            actor=user,
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "认定已记录，筛查结论已按认定更新。")
    return redirect("application_detail", pk=pk)


@login_required
def rulings(request: HttpRequest) -> HttpResponse:
    """The province sees every ruling (dismissals first) and may reverse one."""
    require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    rows = (
        Ruling.objects.filter(application__batch=batch)
        .select_related("application__organisation", "application__unit", "ruled_by", "reversed_by")
        .order_by("-decision", "-ruled_at")
    )
    decision = request.GET.get("decision", "")
    if decision in Ruling.Decision.values:
        rows = rows.filter(decision=decision)
    if wants_xlsx(request):
        return xlsx_response(
            "筛查发现认定.xlsx",
            "认定",
            ["申报主体", "推荐单位", "规则", "发现", "认定", "理由", "认定人", "认定时间", "撤销"],
            (
                [
                    r.application.organisation.name,
                    r.application.unit.name,
                    f"{r.rule} {rule_title(r.rule)}".strip(),
                    r.finding_message,
                    r.get_decision_display(),
                    r.reason,
                    r.ruled_by.first_name or r.ruled_by.username,
                    timezone.localtime(r.ruled_at).strftime("%Y-%m-%d %H:%M"),
                    r.reversal_reason if r.reversed_at else "",
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "web/rulings.html",
        {
            "batch": batch,
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "decisions": Ruling.Decision.choices,
            "decision": decision,
            "query": query_without(request),
            "export_query": export_query(request),
        },
    )


@login_required
@require_POST
def ruling_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    ruling = Ruling.objects.filter(pk=pk).first()
    if ruling is None:
        raise Http404("认定不存在。")
    try:
        reverse_ruling(ruling, reason=request.POST.get("reason", ""), actor=user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已撤销该认定，筛查结论已恢复。")
    return redirect("rulings")


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    require_roles(request, Role.APPLICANT, Role.CITY, Role.PROVINCE)
    application = get_application(request, pk)
    try:
        transition(
            application,
            request.POST.get("target", ""),
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
            acknowledge=request.POST.getlist("acknowledge"),
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "状态已更新。")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("application_detail", pk=pk)
