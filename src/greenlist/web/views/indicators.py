"""Indicator entry with a live score (htmx), per application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.campaign.scores import default_system, entry_from_form, preview, save_indicators, systems_for
from greenlist.scoring.score import ScoreResult
from greenlist.scoring.systems import IndicatorSystem, ScoringError, find_system
from greenlist.web.access import get_application
from greenlist.web.views.common import user_of


def _system(request: HttpRequest, application: Application) -> IndicatorSystem:
    chosen = request.POST.get("system") or request.GET.get("system")
    return find_system(chosen) if chosen else default_system(application)


@login_required
def indicators(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request, pk)
    user = user_of(request)
    system = _system(request, application)
    if request.method == "POST":
        entry = entry_from_form(system, request.POST.dict())
        try:
            saved = save_indicators(application, entry, actor=user)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"已保存，总分 {saved.total}（{saved.verdict}）。")
            return redirect("indicators", pk=pk)
    stored = application.indicators if application.indicators.get("system") == system.id else {}
    result: ScoreResult | None = None
    if stored:
        try:
            result = preview(stored)
        except ScoringError:
            result = None
    editable = application.state in ("draft", "returned") and (
        (user.role == "applicant" and user.organisation_id == application.organisation_id)
        or (user.role == "evaluator" and user.evaluator_id == application.evaluator_id)
    )
    return render(
        request,
        "web/indicators.html",
        {
            "application": application,
            "system": system,
            "systems": systems_for(application.category),
            "stored": stored,
            "result": result,
            "editable": editable,
        },
    )


@login_required
@require_POST
def indicators_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the score of what is in the form right now (nothing is saved)."""
    application = get_application(request, pk)
    system = _system(request, application)
    try:
        result = preview(entry_from_form(system, request.POST.dict()))
    except ScoringError as exc:
        return render(request, "web/_score.html", {"error": str(exc)})
    return render(request, "web/_score.html", {"result": result})
