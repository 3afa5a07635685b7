"""A recommending unit's own work: consultations and their handling, submission to the province
(which freezes the list as a snapshot), and the province's return, overrides (quota) and
reopening. Each runs in one transaction and is audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application, Batch, CompanyOpinion, Consultation, UnitSubmission
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import NotPermitted, RuleRefused, cited
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.findings import Finding
from greenlist.rules.vocabulary import Category, Department, Effect
from greenlist.screening import verdicts
from greenlist.screening.ranking import rank_unit


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
        _refuse_if_frozen(_submission(batch, unit))
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


def _refuse_if_frozen(submission: UnitSubmission) -> None:
    if submission.submitted_at is not None:
        raise RuleRefused(
            f"{submission.unit.name}已于 {timezone.localtime(submission.submitted_at):%Y-%m-%d %H:%M} 报送省厅，"
            "名单、意见与材料已冻结；如需修改，请联系省厅退回报送。"
        )


def record_handling(
    *, batch: Batch, unit: RecommendingUnit, department: str, handling: str, actor: User
) -> Consultation:
    """The city records how it handled a department's objection (C1 blocks submission until it
    has). Side effects: the consultation's handling, one audit event with old and new text."""
    if actor.role != Role.CITY or actor.unit_id != unit.pk:
        raise NotPermitted("只有本推荐单位可以记录对部门意见的处理情况。")
    if not handling.strip():
        raise RuleRefused("请填写处理情况（如已调整名单、已说明理由或已复核）。")
    with transaction.atomic():
        _refuse_if_frozen(_submission(batch, unit))
        consultation = (
            Consultation.unscoped.select_for_update()
            .filter(batch=batch, unit=unit, department=department)
            .first()
        )
        if consultation is None:
            raise RuleRefused("该部门尚未提出意见，无需记录处理情况。")
        previous = consultation.handling
        consultation.handling, consultation.handled_by = handling.strip(), actor
        consultation.save(update_fields=["handling", "handled_by"])
        record(
            actor=actor,
            action=Action.CONSULTATION_RECORDED,
            obj=consultation,
            unit=unit,
            reason="记录对部门意见的处理情况",
            details={"department": department, "handling": {"from": previous, "to": consultation.handling}},
        )
    return consultation


def submission_blockers(
    batch: Batch, unit: RecommendingUnit, now: dt.datetime | None = None
) -> list[Finding]:
    """Everything that blocks the unit's submission now: Q1, C1 (opinions missing, objections not
    handled), D1 on the unit; on each recommended application, an exclusion (none should have
    got there) or a block (R1 documents, R2 report limits)."""
    result = verdicts.current(batch, unit_names=[unit.name], now=now).result
    blockers = [f for q in result.quotas for f in q.findings]
    recommended = set(
        Application.unscoped.filter(batch=batch, unit=unit, state=State.CITY_RECOMMENDED).values_list(
            "pk", flat=True
        )
    )
    for item in result.applications:
        if int(item.key) in recommended:
            blockers += [
                dataclasses.replace(f, message=f"{item.application.name}：{f.message}")
                for f in item.findings
                if f.excludes or (f.effect is Effect.BLOCK and not f.dismissed)
            ]
    return blockers


def snapshot(batch: Batch, unit: RecommendingUnit, now: dt.datetime) -> dict[str, Any]:
    """The unit's recommended list as the city sees it now: each category in ranking order with
    every finding and ruling, the departments' opinions and the quota."""
    rankings = {category.value: rank_unit(batch, unit, category.value) for category in Category}
    stored = next(iter(rankings.values())).screening
    quota = stored.result.quotas[0]
    entries = []
    for category, ranking in rankings.items():
        by_key = {item.key: item for item in ranking.screening.result.applications}
        for position, ranked in enumerate(ranking.ranked, start=1):
            application = ranking.applications[ranked.key]
            if application.state != State.CITY_RECOMMENDED:
                continue
            item = by_key[ranked.key]
            entries.append(
                {
                    "id": application.pk,
                    "category": category,
                    "rank": position,
                    "uscc": application.organisation.uscc,
                    "name": application.listed_name,
                    "method": application.method,
                    "evaluator": application.evaluator.name if application.evaluator else "",
                    "score": str(application.score) if application.score is not None else None,
                    "eligible": item.eligible,
                    "findings": [verdicts.finding_json(f) for f in item.findings],
                }
            )
    opinions = [
        {
            "department": c.department,
            "agrees": c.agrees,
            "opinion": c.opinion,
            "handling": c.handling,
        }
        for c in Consultation.unscoped.filter(batch=batch, unit=unit).order_by("department")
    ]
    company_opinions = [
        {
            "application": o.application_id,
            "department": o.department,
            "agrees": o.agrees,
            "opinion": o.opinion,
            "document_number": o.document_number,
            "letter_sha256": o.letter_sha256,
            "handling": o.handling,
        }
        for o in CompanyOpinion.unscoped.filter(
            application__batch=batch, application__unit=unit, application__state=State.CITY_RECOMMENDED
        ).order_by("application_id", "department")
    ]
    return {
        "batch": batch.code,
        "unit": unit.name,
        "submitted_at": now.isoformat(),
        "company_opinions": company_opinions,
        "data_version": stored.data_version,
        "screened_at": stored.screened_at.isoformat() if stored.screened_at else None,
        "quota": {
            "quota": quota.quota,
            "computed_quota": quota.computed_quota,
            "provincial_factories": quota.unit.provincial_factories,
            "recommended_factories": quota.unit.recommended_factories,
        },
        "applications": entries,
        "opinions": opinions,
    }


def snapshot_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def submit_to_province(
    *,
    batch: Batch,
    unit: RecommendingUnit,
    actor: User,
    confirm: bool = True,
    now: dt.datetime | None = None,
) -> UnitSubmission:
    """The city submits its recommended list, after confirming. Refused, with every reason, while
    anything blocks. Side effects: the submission's time and snapshot (the list frozen until the
    province returns it), one audit event carrying the snapshot's hash."""
    if actor.role != Role.CITY or actor.unit_id != unit.pk:
        raise NotPermitted("只有本推荐单位可以报送本单位的推荐名单。")
    with transaction.atomic():
        submission = _submission(batch, unit)
        _refuse_if_frozen(submission)
        blockers = submission_blockers(batch, unit, now)
        if blockers:
            raise RuleRefused("暂不能报送：" + cited(blockers), blockers)
        if not confirm:
            raise RuleRefused("报送后名单将冻结，须由省厅退回后方可修改：请确认后再报送。")
        moment = now or timezone.now()
        content = snapshot(batch, unit, moment)
        submission.submitted_at = moment
        submission.submitted_by = actor
        submission.snapshot = content
        submission.snapshot_hash = snapshot_hash(content)
        submission.save(update_fields=["submitted_at", "submitted_by", "snapshot", "snapshot_hash"])
        record(
            actor=actor,
            action=Action.UNIT_SUBMITTED,
            obj=submission,
            unit=unit,
            details={"snapshot_hash": submission.snapshot_hash, "applications": len(content["applications"])},
        )
    return submission


def return_submission(*, batch: Batch, unit: RecommendingUnit, reason: str, actor: User) -> UnitSubmission:
    """The province returns a unit's submission with a reason: the list opens again for the city.
    Side effects: the submission cleared (its snapshot kept as the last one returned), one audit
    event."""
    if not actor.is_province:
        raise NotPermitted("只有省厅可以退回推荐单位的报送。")
    if not reason.strip():
        raise RuleRefused("退回报送须填写理由。")
    with transaction.atomic():
        submission = _submission(batch, unit)
        if submission.submitted_at is None:
            raise RuleRefused(f"{unit.name}尚未报送，无需退回。")
        decided = Application.unscoped.filter(
            batch=batch,
            unit=unit,
            state__in=[State.PROVINCE_RECOMMENDED, State.PROVINCE_NOT_RECOMMENDED],
        ).count()
        if decided:
            raise RuleRefused(f"{unit.name}已有{decided}项申报由省厅作出决定，请先撤销这些决定再退回报送。")
        previous = submission.submitted_at
        submission.submitted_at = None
        submission.returned_at = timezone.now()
        submission.return_reason = reason.strip()
        submission.save(update_fields=["submitted_at", "returned_at", "return_reason"])
        record(
            actor=actor,
            action=Action.UNIT_RETURNED,
            obj=submission,
            unit=unit,
            reason=reason.strip(),
            details={"submitted_at": previous.isoformat(), "snapshot_hash": submission.snapshot_hash},
        )
    return submission
