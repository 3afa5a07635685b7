"""Scoring an application from its entered indicator values (issue 4), audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
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
from greenlist.scoring.systems import Indicator, IndicatorSystem, ScoringError, find_system, systems

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


class ScoreConflict(ActionRefused):
    """The application carries a typed score that differs from the computed total: the person
    saving decides which stands (a typed total is never replaced silently)."""

    def __init__(self, typed: Decimal, computed: Decimal) -> None:
        self.typed, self.computed = typed, computed
        super().__init__(
            f"申报中已填写的评价得分为 {typed} 分，按本页指标计算的总分为 {computed} 分，两者不一致。"
            "请核对后勾选“以计算得分替换已填写的评价得分”再保存；如已填写的得分有误，也可先到申报信息中修改。"
        )


def references_editable(
    system: IndicatorSystem, indicator: Indicator, actor: User, *, self_evaluated: bool = False
) -> bool:
    """Industry reference values (引领值、基准值) come from the indicator system; where the system
    leaves them to the industry standard, the third-party evaluator states them, not the applicant
    (a self-evaluated application has no evaluator: there its applicant states them)."""
    fixed = indicator.leading is not None or indicator.baseline is not None
    if not indicator.quantitative or fixed:
        return False
    return actor.role == Role.EVALUATOR or (self_evaluated and actor.role == Role.APPLICANT)


def entry_from_form(
    system: IndicatorSystem,
    data: dict[str, str],
    *,
    actor: User | None = None,
    stored: dict[str, Any] | None = None,
    self_evaluated: bool = False,
) -> dict[str, Any]:
    """The stored-entry shape from the indicator form's fields. Reference values are taken from
    the form only where ``actor`` may state them; otherwise the stored ones are kept."""
    entry = blank_entry(system)
    kept = (stored or {}).get("indicators", {}) if (stored or {}).get("system") == system.id else {}
    for requirement in system.basic_requirements:
        answer = data.get(f"br-{requirement.id}", "")
        entry["basic_requirements"][requirement.id] = {"yes": True, "no": False}.get(answer)
    for indicator in system.indicators:
        values = entry["indicators"][indicator.id]
        raw = data.get(f"value-{indicator.id}", "").strip()
        values["value"] = raw or None
        may_state = actor is None or references_editable(
            system, indicator, actor, self_evaluated=self_evaluated
        )
        for field in ("leading", "baseline"):
            if may_state:
                raw = data.get(f"{field}-{indicator.id}", "").strip()
                if raw:
                    values[field] = raw
            elif kept.get(indicator.id, {}).get(field) not in (None, ""):
                values[field] = kept[indicator.id][field]
    return entry


def check_form(system: IndicatorSystem, entry: dict[str, Any]) -> list[str]:
    """What is wrong in the form, named by each indicator's Chinese name (before scoring)."""
    labels = {"value": "实际值", "leading": "引领值", "baseline": "基准值"}
    problems = []
    for indicator in system.indicators:
        values = entry["indicators"].get(indicator.id, {})
        for field, label in labels.items():
            raw = values.get(field)
            if raw in (None, ""):
                continue
            try:
                number = Decimal(str(raw).strip())
            except InvalidOperation:
                problems.append(f"“{indicator.name}”的{label}应填写数字，现为“{str(raw)[:20]}”。")
                continue
            if not number.is_finite():
                problems.append(f"“{indicator.name}”的{label}应填写数字，现为“{str(raw)[:20]}”。")
            elif field == "value" and not indicator.quantitative and not Decimal(0) <= number <= Decimal(1):
                problems.append(
                    f"“{indicator.name}”是定性指标，实际值应为 0 到 1 之间的完成程度，现为 {number}。"
                )
    return problems


def preview(entry: dict[str, Any]) -> ScoreResult:
    return score_stored(_clean(entry))


def _clean(entry: dict[str, Any]) -> dict[str, Any]:
    """Indicators without a value are left out (not scored yet) rather than scored as errors."""
    kept = {k: v for k, v in entry["indicators"].items() if v.get("value") not in (None, "")}
    return {**entry, "indicators": kept}


def save_indicators(
    application: Application, entry: dict[str, Any], *, actor: User, replace_score: bool = False
) -> ScoreResult:
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
        if previous is not None and previous != result.total and not replace_score and not _computed(current):
            raise ScoreConflict(previous, result.total)
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


def _computed(application: Application) -> bool:
    """Whether the stored score is the total of the stored indicators (then a new total replaces it)."""
    if not application.indicators.get("system"):
        return False
    try:
        return preview(application.indicators).total == application.score
    except ScoringError:
        return False
