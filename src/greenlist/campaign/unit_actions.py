"""A recommending unit's own work: consultations, submission to the province, and the
province's overrides (quota, reopening). Each runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application, Batch, Consultation, UnitSubmission
from greenlist.campaign.workflow import State
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.findings import Finding
from greenlist.rules.vocabulary import Department, Effect


def _submission(batch: Batch, unit: RecommendingUnit) -> UnitSubmission:
    submission, _ = UnitSubmission.unscoped.select_for_update().get_or_create(batch=batch, unit=unit)
    return submission


def record_consultation(
    *, batch: Batch, unit: RecommendingUnit, department: str, agrees: bool, opinion: str, actor: User
) -> Consultation:
    """A department's opinion on the unit's draft list (rule C1). The department itself records
    it, or the city on its behalf (opinions often arrive as letters)."""
    if department not in {d.value for d in Department}:
        raise ActionRefused("部门无效。")
    allowed = (actor.role == Role.DEPARTMENT and actor.department == department) or actor.role == Role.CITY
    if not allowed or actor.unit_id != unit.pk:
        raise ActionRefused("只有本单位的推荐单位或该部门本身可以记录此意见。")
    if not opinion.strip():
        raise ActionRefused("请填写意见内容。")
    with transaction.atomic():
        consultation, created = Consultation.unscoped.update_or_create(
            batch=batch,
            unit=unit,
            department=department,
            defaults={"agrees": agrees, "opinion": opinion.strip(), "recorded_by": actor},
        )
        record(
            actor=actor,
            action=Action.CONSULTATION_RECORDED,
            obj=consultation,
            unit=unit,
            details={"department": department, "agrees": agrees, "created": created},
        )
    return consultation


def override_quota(
    *, batch: Batch, unit: RecommendingUnit, quota: int | None, reason: str, actor: User
) -> None:
    """The province sets (or, with ``None``, clears) a unit's quota (rule Q1 says "原则上")."""
    if not actor.is_province:
        raise ActionRefused("只有省厅可以核定推荐名额。")
    if not reason.strip():
        raise ActionRefused("核定推荐名额须填写理由。")
    if quota is not None and quota < 0:
        raise ActionRefused("名额不能为负数。")
    with transaction.atomic():
        submission = _submission(batch, unit)
        previous = submission.quota_override
        submission.quota_override, submission.quota_override_reason = quota, reason.strip()
        submission.save(update_fields=["quota_override", "quota_override_reason"])
        record(
            actor=actor,
            action=Action.QUOTA_OVERRIDE,
            obj=submission,
            unit=unit,
            reason=reason.strip(),
            details={"from": previous, "to": quota},
        )


def reopen_submission(
    *, batch: Batch, unit: RecommendingUnit, until: dt.datetime, reason: str, actor: User
) -> None:
    """The province lets a unit submit after the deadline (rule D1), until ``until``."""
    if not actor.is_province:
        raise ActionRefused("只有省厅可以重新开放报送。")
    if not reason.strip():
        raise ActionRefused("重新开放报送须填写理由。")
    if until <= timezone.now():
        raise ActionRefused("延期截止时间须晚于当前时间。")
    with transaction.atomic():
        submission = _submission(batch, unit)
        submission.reopened_until = until
        submission.submitted_at = None
        submission.save(update_fields=["reopened_until", "submitted_at"])
        record(
            actor=actor,
            action=Action.UNIT_REOPENED,
            obj=submission,
            unit=unit,
            reason=reason.strip(),
            details={"until": until.isoformat()},
        )


def submission_blockers(
    batch: Batch, unit: RecommendingUnit, now: dt.datetime | None = None
) -> list[Finding]:
    """Everything that blocks the unit's submission now: Q1, C1, D1 on the unit, and R1 on its
    recommended applications."""
    from greenlist.screening import verdicts

    result = verdicts.stored(batch, unit_names=[unit.name], now=now).result
    blockers = [f for q in result.quotas for f in q.findings]
    recommended = set(
        Application.unscoped.filter(batch=batch, unit=unit, state=State.CITY_RECOMMENDED).values_list(
            "pk", flat=True
        )
    )
    for item in result.applications:
        if int(item.key) in recommended:
            blockers += item.of(Effect.BLOCK, Effect.EXCLUDE)
    return blockers


def submit_to_province(
    *, batch: Batch, unit: RecommendingUnit, actor: User, now: dt.datetime | None = None
) -> None:
    """The city submits its recommended list. Refused, with every reason, while anything blocks."""
    if actor.role != Role.CITY or actor.unit_id != unit.pk:
        raise ActionRefused("只有本推荐单位可以报送本单位的推荐名单。")
    with transaction.atomic():
        submission = _submission(batch, unit)
        if submission.submitted_at is not None:
            raise ActionRefused(
                f"本单位已于 {timezone.localtime(submission.submitted_at):%Y-%m-%d %H:%M} 报送。"
            )
        blockers = submission_blockers(batch, unit, now)
        if blockers:
            raise ActionRefused("暂不能报送：" + "；".join(f"[{f.rule}] {f.message}" for f in blockers))
        submission.submitted_at = now or timezone.now()
        submission.submitted_by = actor
        submission.save(update_fields=["submitted_at", "submitted_by"])
        record(actor=actor, action=Action.UNIT_SUBMITTED, obj=submission, unit=unit)
