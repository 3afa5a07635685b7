"""The evaluator's page: its projects across all units against the cap, its diagnosis record,
its standing (V1, V2) and the V4 declaration per project."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.evaluator_cap import members
from greenlist.campaign.models import Application, Engagement
from greenlist.decisions.engagements import (
    declaration_source,
    declaration_text,
    engagement_to_sign,
    sign_declaration,
)
from greenlist.registry.models import BlacklistEntry, Diagnosis
from greenlist.screening import verdicts
from greenlist.web.access import get_application
from greenlist.web.views.common import current_batch, require_roles


@login_required
def evaluator_home(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.EVALUATOR)
    batch = current_batch(request)
    evaluator = user.evaluator
    assert evaluator is not None
    projects = (
        Application.objects.filter(batch=batch)
        .select_related("organisation", "unit")
        .order_by("submitted_at", "organisation__uscc")
    )
    stored = verdicts.stored(batch, ids=[p.pk for p in projects])
    result = stored.result
    standing = next((e for e in result.evaluators if e.evaluator.uscc == evaluator.uscc), None)
    findings = result.by_key()
    # Beyond the cap is the screening's V3 finding: the legal entity's branches share the count,
    # so a position among this evaluator's own projects does not say it.
    rows = [
        (
            position,
            app,
            findings.get(str(app.pk)),
            any(f.rule == "V3" for f in getattr(findings.get(str(app.pk)), "findings", ())),
        )
        for position, app in enumerate(projects, start=1)
    ]
    cap = batch.parameters.evaluator_cap
    count = standing.projects if standing is not None else len(rows)
    family = members(evaluator).exclude(pk=evaluator.pk).order_by("name")
    engagements = {
        e.application_id: e
        for e in Engagement.objects.filter(application__batch=batch, evaluator=evaluator).select_related(
            "application__organisation", "application__unit", "application__batch", "evaluator"
        )
        if e.application.evaluator_id == e.evaluator_id
    }
    requested = [e for e in engagements.values() if e.status == Engagement.Status.REQUESTED]
    to_sign = [
        (e, declaration_text(e))
        for e in engagements.values()
        if e.status == Engagement.Status.ACCEPTED and e.declaration_signed_at is None
    ]
    return render(
        request,
        "web/evaluator.html",
        {
            "batch": batch,
            "screening": stored,
            "evaluator": evaluator,
            "standing": standing,
            "rows": [(*row, engagements.get(row[1].pk)) for row in rows],
            "requested": sorted(requested, key=lambda e: e.requested_at),
            "to_sign": to_sign,
            "declaration": declaration_source(),
            "cap": cap,
            "count": count,
            "percent": min(100, round(100 * count / cap)) if cap else 0,
            "family": family,
            "diagnoses": Diagnosis.objects.filter(evaluator=evaluator).order_by("-day"),
            "blacklist": BlacklistEntry.objects.filter(evaluator_uscc=evaluator.uscc),
            "rule_texts": batch.parameters.rules,
        },
    )


@login_required
@require_POST
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the V4 declaration of one project (its current engagement), after reading the text and
    ticking the confirmation."""
    user = require_roles(request, Role.EVALUATOR)
    application = get_application(request, pk)
    try:
        engagement = engagement_to_sign(application, actor=user)
        sign_declaration(engagement, actor=user, confirmed=request.POST.get("confirm") == "yes")
    except ActionRefused as refusal:
        messages.error(request, f"未做任何修改：{refusal}")
    else:
        messages.success(request, f"已签署“{application.organisation.name}”项目的无结果承诺声明。")
    return redirect("evaluator_home")
