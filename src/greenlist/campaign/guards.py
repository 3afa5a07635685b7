"""Write-time guards for the two counted limits, so parallel requests cannot break them:
each locks the row that serialises its count (the evaluator for V3, the unit for Q1) and then
asks the rule itself whether one more is allowed."""

from __future__ import annotations

from greenlist.campaign.evaluator_cap import counted_projects, lock_entity
from greenlist.campaign.models import Application, UnitSubmission
from greenlist.campaign.workflow import RECOMMENDED_STATES
from greenlist.registry.models import Evaluator, ProvincialListEntry, RecommendingUnit
from greenlist.rules.evaluators import v3_next_project
from greenlist.rules.facts import UnitFacts
from greenlist.rules.unit import q1_quota
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method


class LimitReached(Exception):
    """Carries the rule id and its Chinese message."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"[{rule}] {message}")
        self.rule = rule


def evaluator_cap(application: Application) -> None:
    """V3: a submission that would be its legal entity's (cap + 1)-th project of the batch is
    refused. The entity (with its branches) is locked and counted as screening counts it
    (``campaign.evaluator_cap``)."""
    if application.method != Method.THIRD_PARTY or application.evaluator_id is None:
        return
    evaluator = Evaluator.objects.get(pk=application.evaluator_id)
    lock_entity(evaluator)
    taken = counted_projects(application.batch, evaluator).exclude(pk=application.pk).count()
    refusal = v3_next_project(application.batch.parameters, f"{evaluator.name}（{evaluator.uscc}）", taken)
    if refusal:
        raise LimitReached("V3", f"{refusal[0].message}，本项目不予受理。请改为自评价或委托其他机构。")


def unit_quota(application: Application) -> None:
    """Q1: recommending one more green factory than the unit's quota is refused (the province may
    raise the quota, with a reason)."""
    if application.category != Category.FACTORY:
        return
    unit = RecommendingUnit.objects.select_for_update().get(pk=application.unit_id)
    batch = application.batch
    submission = UnitSubmission.unscoped.filter(batch=batch, unit=unit).first()
    recommended = (
        Application.unscoped.filter(
            batch=batch, unit=unit, category=Category.FACTORY, state__in=RECOMMENDED_STATES
        )
        .exclude(pk=application.pk)
        .count()
    )
    facts = UnitFacts(
        name=unit.name,
        provincial_factories=ProvincialListEntry.objects.filter(
            unit=unit, category=Category.FACTORY, level=ListLevel.PROVINCIAL, status=ListStatus.ACTIVE
        ).count(),
        recommended_factories=recommended + 1,
        quota_override=submission.quota_override if submission else None,
    )
    findings = q1_quota(batch.parameters, facts)
    if findings:
        raise LimitReached("Q1", findings[0].message)
