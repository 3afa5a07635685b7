"""Thin views: parse, check access through ``access``, delegate to domain actions, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.audit.models import AuditEvent
from greenlist.campaign import workflow
from greenlist.campaign.actions import ActionRefused, transition
from greenlist.campaign.models import Application
from greenlist.campaign.workflow import State
from greenlist.rules.vocabulary import Category
from greenlist.screening.service import screen_batch
from greenlist.web.access import get_application
from greenlist.web.views.common import role_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.all()
    by_state = {row["state"]: row["n"] for row in applications.values("state").annotate(n=Count("id"))}
    by_category = {
        row["category"]: row["n"] for row in applications.values("category").annotate(n=Count("id"))
    }
    return render(
        request,
        "web/dashboard.html",
        {
            "states": [(state.label, by_state.get(state.value, 0), state.value) for state in State],
            "categories": [(category.label, by_category.get(category.value, 0)) for category in Category],
            "total": sum(by_state.values()),
            "recent": applications.select_related("organisation", "unit").order_by("-updated_at")[:10],
        },
    )


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.select_related("organisation", "unit", "evaluator")
    state = request.GET.get("state", "")
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()
    if state in State.values:
        applications = applications.filter(state=state)
    if category in {c.value for c in Category}:
        applications = applications.filter(category=category)
    if query:
        applications = applications.filter(organisation__name__contains=query)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/application_list.html",
        {
            "page": page,
            "states": State.choices,
            "categories": Category.choices(),
            "state": state,
            "category": category,
            "q": query,
        },
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request, pk)
    history = AuditEvent.objects.filter(object_type="campaign.Application", object_id=str(application.pk))
    screened = (
        screen_batch(application.batch, unit_names=[application.unit.name]).by_key().get(str(application.pk))
    )
    return render(
        request,
        "web/application_detail.html",
        {
            "application": application,
            "transitions": workflow.available(application.state, role_of(request)),
            "history": history.order_by("-id"),
            "screened": screened,
            "rule_texts": application.batch.parameters.rules,
        },
    )


@login_required
@require_POST
def application_transition(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request, pk)
    try:
        transition(
            application,
            request.POST.get("target", ""),
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", ""),
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    except ValueError:
        messages.error(request, "目标状态无效。")
    else:
        messages.success(request, "状态已更新。")
    return redirect("application_detail", pk=pk)
