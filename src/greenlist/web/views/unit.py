"""A recommending unit's campaign page (city and its departments) and the province's overview
of all units with its overrides (quota, reopening)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.deadline import unit_deadline
from greenlist.campaign.models import Application, CompanyOpinion, Consultation, UnitSubmission
from greenlist.campaign.workflow import RECOMMENDED_STATES
from greenlist.decisions.submission import (
    override_quota,
    record_consultation,
    record_handling,
    reopen_submission,
    return_submission,
    submission_blockers,
    submit_to_province,
)
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.vocabulary import Department
from greenlist.screening import verdicts
from greenlist.web.views.common import current_batch, require_roles


@login_required
def unit_home(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.DEPARTMENT)
    batch = current_batch(request)
    unit = user.unit
    assert unit is not None
    recommended = (
        Application.objects.filter(batch=batch, state__in=RECOMMENDED_STATES)
        .select_related("organisation", "evaluator")
        .order_by("category", "-score")
    )
    opinions = {c.department: c for c in Consultation.objects.filter(batch=batch)}
    departments = [(d, opinions.get(d.value)) for d in Department]
    submission = UnitSubmission.objects.filter(batch=batch).first()
    blockers = submission_blockers(batch, unit) if user.role == Role.CITY else []
    return render(
        request,
        "web/unit.html",
        {
            "batch": batch,
            "unit": unit,
            "recommended": recommended,
            "departments": departments,
            "mine": user.department,
            "submission": submission,
            "blockers": blockers,
            "rule_texts": batch.parameters.rules,
        },
    )


@login_required
@require_POST
def unit_consultation(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.DEPARTMENT)
    assert user.unit is not None
    try:
        record_consultation(
            batch=current_batch(request),
            unit=user.unit,
            department=request.POST.get("department", ""),
            agrees=request.POST.get("agrees") == "yes",
            opinion=request.POST.get("opinion", ""),
            actor=user,
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "意见已记录。")
    return redirect("unit_home")


@login_required
@require_POST
def unit_submit(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    assert user.unit is not None
    try:
        submit_to_province(
            batch=current_batch(request),
            unit=user.unit,
            actor=user,
            confirm=request.POST.get("confirm") == "yes",
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "推荐名单已报送省厅，名单已冻结；如需修改须由省厅退回。")
    return redirect("unit_home")


@login_required
@require_POST
def unit_handling(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    assert user.unit is not None
    try:
        record_handling(
            batch=current_batch(request),
            unit=user.unit,
            department=request.POST.get("department", ""),
            handling=request.POST.get("handling", ""),
            actor=user,
        )
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "处理情况已记录。")
    return redirect("unit_home")


@login_required
def province_units(request: HttpRequest) -> HttpResponse:
    """Every unit at a glance: recommended against quota, what still blocks its submission
    (including a recommended application that screening now excludes), and departments' dissent."""
    require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    stored = verdicts.stored(batch)
    submissions = {s.unit_id: s for s in UnitSubmission.objects.filter(batch=batch)}
    consultations: dict[int, list[Consultation]] = defaultdict(list)
    for consultation in Consultation.objects.filter(batch=batch):
        consultations[consultation.unit_id].append(consultation)
    recommended = Counter(
        Application.objects.filter(batch=batch, category="factory", state__in=RECOMMENDED_STATES).values_list(
            "unit_id", flat=True
        )
    )
    units = {u.name: u for u in RecommendingUnit.objects.all()}
    company_dissent: dict[int, list[CompanyOpinion]] = defaultdict(list)
    for opinion in CompanyOpinion.objects.filter(application__batch=batch, agrees=False).select_related(
        "application__organisation"
    ):
        company_dissent[opinion.application.unit_id].append(opinion)
    rows = []
    for q in stored.result.quotas:
        unit = units[q.unit.name]
        rows.append(
            {
                "unit": unit,
                "quota": q,
                "recommended": recommended[unit.pk],
                "submission": submissions.get(unit.pk),
                "deadline": unit_deadline(batch, unit, submission=submissions.get(unit.pk)),
                "consulted": len(consultations[unit.pk]),
                "dissent": [c for c in consultations[unit.pk] if not c.agrees],
                "company_dissent": company_dissent[unit.pk],
                "blockers": submission_blockers(batch, unit),
            }
        )
    return render(
        request,
        "web/province_units.html",
        {
            "batch": batch,
            "screening": stored,
            "rows": rows,
            "rule_texts": batch.parameters.rules,
            "default_until": (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT18:00"),
        },
    )


@login_required
@require_POST
def province_unit_action(request: HttpRequest, code: str) -> HttpResponse:
    user = require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    try:
        unit = RecommendingUnit.objects.get(code=code)
    except RecommendingUnit.DoesNotExist as exc:
        raise Http404("推荐单位不存在。") from exc
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "quota":
            raw = request.POST.get("quota", "").strip()
            if raw and not raw.isdigit():
                raise ActionRefused("名额须为非负整数；留空表示恢复按比例计算。")
            override_quota(batch=batch, unit=unit, quota=int(raw) if raw else None, reason=reason, actor=user)
        elif action == "reopen":
            try:
                until = timezone.make_aware(dt.datetime.fromisoformat(request.POST.get("until", "")))
            except ValueError as exc:
                raise ActionRefused("请填写有效的延期截止时间。") from exc
            reopen_submission(batch=batch, unit=unit, until=until, reason=reason, actor=user)
        elif action == "return":
            return_submission(batch=batch, unit=unit, reason=reason, actor=user)
        else:
            raise ActionRefused("未知操作。")
    except ActionRefused as refusal:
        messages.error(request, f"{unit.name}：{refusal}")
    else:
        messages.success(request, f"{unit.name}：已保存并记入审计日志。")
    return redirect("province_units")
