"""Indicator entry with a live score (htmx), per application."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.evidence import (
    CHECKABLE_STATES,
    application_cross_checks,
    evidence_by_indicator,
    record_check,
)
from greenlist.campaign.models import Application, IndicatorCheck
from greenlist.campaign.scores import (
    ScoreConflict,
    check_form,
    default_system,
    entry_from_form,
    preview,
    references_editable,
    save_indicators,
    systems_for,
)
from greenlist.rules.vocabulary import Method
from greenlist.scoring.score import ScoreResult
from greenlist.scoring.systems import IndicatorSystem, ScoringError, find_system
from greenlist.web.access import get_application
from greenlist.web.views.common import require_roles, user_of


def _system(request: HttpRequest, application: Application) -> IndicatorSystem:
    chosen = request.POST.get("system") or request.GET.get("system")
    return find_system(chosen) if chosen else default_system(application)


@login_required
def indicators(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request, pk)
    user = user_of(request)
    system = _system(request, application)
    conflict: ScoreConflict | None = None
    if request.method == "POST":
        entry = entry_from_form(
            system,
            request.POST.dict(),
            actor=user,
            stored=application.indicators,
            self_evaluated=application.method == Method.SELF,
        )
        problems = check_form(system, entry)
        if problems:
            for problem in problems:
                messages.error(request, problem)
        else:
            try:
                saved = save_indicators(
                    application, entry, actor=user, replace_score=request.POST.get("replace_score") == "1"
                )
            except ScoreConflict as exc:
                conflict = exc
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
    files = evidence_by_indicator(application)
    checks = {c.indicator: c for c in IndicatorCheck.objects.filter(application=application)}
    city = user.role == "city" and user.unit_id == application.unit_id
    areas: list[dict[str, Any]] = []
    for area in system.areas:
        inside = [i for i in system.indicators if i.area == area.name]
        members = [
            {
                "indicator": i,
                "references_editable": editable
                and references_editable(system, i, user, self_evaluated=application.method == Method.SELF),
            }
            for i in inside
        ]
        unverified = area.confidence == "C" or any(i.confidence == "C" for i in inside)
        areas.append({"area": area, "members": members, "unverified": unverified})
    return render(
        request,
        "web/indicators.html",
        {
            "application": application,
            "system": system,
            "areas": areas,
            "requirements_unverified": any(r.confidence == "C" for r in system.basic_requirements),
            "conflict": conflict,
            "systems": systems_for(application.category),
            "stored": stored,
            "result": result,
            "editable": editable,
            "can_upload": editable and user.role == "applicant",
            "can_check": (city or user.is_province) and application.state in CHECKABLE_STATES,
            "check_fields": (("authentic", "真实"), ("accurate", "准确"), ("advanced", "先进")),
            "evidence_rows": [
                {"indicator": i, "files": files.get(i.id, []), "check": checks.get(i.id)}
                for i in system.indicators
            ],
            # What greenlist holds on the unit (its filing, the register) is for the city's check.
            "cross_checks": application_cross_checks(application)
            if (city or user.is_province) and application.method == Method.SELF
            else [],
        },
    )


def _yes_no(raw: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(raw or "")


@login_required
@require_POST
def indicator_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The city (or province) records its check of one indicator, or queries it back."""
    require_roles(request, Role.CITY, Role.PROVINCE)
    application = get_application(request, pk)
    try:
        record_check(
            application,
            indicator=request.POST.get("indicator", ""),
            actor=user_of(request),
            authentic=_yes_no(request.POST.get("authentic")),
            accurate=_yes_no(request.POST.get("accurate")),
            advanced=_yes_no(request.POST.get("advanced")),
            query=request.POST.get("query", ""),
            note=request.POST.get("note", ""),
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已记录指标核查情况。")
    return redirect("indicators", pk=pk)


@login_required
@require_POST
def indicators_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the score of what is in the form right now (nothing is saved)."""
    application = get_application(request, pk)
    system = _system(request, application)
    entry = entry_from_form(
        system,
        request.POST.dict(),
        actor=user_of(request),
        stored=application.indicators,
        self_evaluated=application.method == Method.SELF,
    )
    problems = check_form(system, entry)
    if problems:
        return render(request, "web/_score.html", {"error": "；".join(problems)})
    try:
        result = preview(entry)
    except ScoringError as exc:
        return render(request, "web/_score.html", {"error": str(exc)})
    return render(request, "web/_score.html", {"result": result})
