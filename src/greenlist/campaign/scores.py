"""Scoring an application from its entered indicator values (issue 4), audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign import workflow
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.rules.factory import expected_standard
from greenlist.rules.vocabulary import Category
from greenlist.scoring.contract import blank_entry, score_stored
from greenlist.scoring.score import ScoreResult
from greenlist.scoring.systems import IndicatorSystem, ScoringError, find_system, systems

DEFAULT_SYSTEMS = {Category.PARK: "park-2016", Category.SUPPLY_CHAIN: "supply-chain-generic"}


def systems_for(category: str) -> list[IndicatorSystem]:
    return [s for s in systems().values() if s.category == category]


def default_system(application: Application) -> IndicatorSystem:
    """The system the notice asks for (rule F2): the industry standard where one is published and
    encoded, else the batch's general standard; parks and supply chains their own systems."""
    if application.indicators.get("system"):
        return find_system(application.indicators["system"])
    if application.category in DEFAULT_SYSTEMS:
        return find_system(DEFAULT_SYSTEMS[Category(application.category)])
    params = application.batch.parameters
    names = (
        expected_standard(params, application.industry),
        params.default_factory_standard,
        # the batch's indicator system for the category (2025: GB/T 36132-2025)
        params.indicator_systems.get(application.category, ""),
    )
    for name in names:
        try:
            return find_system(name)
        except ScoringError:
            continue  # an industry standard not yet encoded as a system: the general one applies
    return systems_for(Category.FACTORY)[0]


def entry_from_form(system: IndicatorSystem, data: dict[str, str]) -> dict[str, Any]:
    """The stored-entry shape from the indicator form's fields."""
    entry = blank_entry(system)
    for requirement in system.basic_requirements:
        answer = data.get(f"br-{requirement.id}", "")
        entry["basic_requirements"][requirement.id] = {"yes": True, "no": False}.get(answer)
    for indicator in system.indicators:
        values = entry["indicators"][indicator.id]
        for field in ("value", "leading", "baseline"):
            raw = data.get(f"{field}-{indicator.id}", "").strip()
            if raw:
                values[field] = raw
            elif field == "value":
                values[field] = None
    return entry


def preview(entry: dict[str, Any]) -> ScoreResult:
    return score_stored(_clean(entry))


def _clean(entry: dict[str, Any]) -> dict[str, Any]:
    """Indicators without a value are left out (not scored yet) rather than scored as errors."""
    kept = {k: v for k, v in entry["indicators"].items() if v.get("value") not in (None, "")}
    return {**entry, "indicators": kept}


def save_indicators(application: Application, entry: dict[str, Any], *, actor: User) -> ScoreResult:
    """Store the entered values and the computed total. The applicant (while editable) or its
    third-party evaluator may do this. Side effects: the application row, one audit event."""
    owner = actor.role == Role.APPLICANT and actor.organisation_id == application.organisation_id
    evaluator = actor.role == Role.EVALUATOR and actor.evaluator_id == application.evaluator_id
    if not (owner or evaluator):
        raise ActionRefused("只有申报单位或其第三方评价机构可以填写评价指标。")
    try:
        result = preview(entry)
    except ScoringError as exc:
        raise ActionRefused(str(exc)) from exc
    with transaction.atomic():
        current = Application.unscoped.select_for_update().get(pk=application.pk)
        if current.state not in workflow.EDITABLE_STATES:
            raise ActionRefused("申报已提交，评价指标不能再修改；如需修改请联系推荐单位退回。")
        previous = current.score
        current.indicators = entry
        current.score = result.total
        current.evaluation_standard = result.standard
        current.version += 1
        current.save(update_fields=["indicators", "score", "evaluation_standard", "version", "updated_at"])
        record(
            actor=actor,
            action=Action.APPLICATION_UPDATED,
            obj=current,
            unit=current.unit,
            reason="填写评价指标",
            details={"system": entry.get("system"), "score": {"from": previous, "to": result.total}},
        )
    return result
