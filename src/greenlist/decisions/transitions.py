"""Every state change of an application goes through :func:`transition`: one transaction, the
role's right to make the move, the stored verdict, and an audit event (the Zulip ``do_*``
pattern)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.changes import apply_changes
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign import guards, workflow
from greenlist.campaign.actions import ActionRefused, can_act_on, source_is_review
from greenlist.campaign.models import Application, UnitSubmission
from greenlist.campaign.notices import queue_state_change
from greenlist.campaign.workflow import State
from greenlist.decisions.engagements import current_engagement, request_engagement
from greenlist.decisions.refusals import NotPermitted, RuleRefused, cited
from greenlist.registry.models import Evaluator
from greenlist.rules.findings import Finding
from greenlist.rules.vocabulary import Effect, Method
from greenlist.screening import verdicts

# Decisions that put an application on a list: the verdict binds them.
LISTING = frozenset({State.CITY_RECOMMENDED, State.PROVINCE_RECOMMENDED})


def submitted_unit(application: Application) -> UnitSubmission | None:
    """The unit's submission when it is with the province (its list is frozen), else ``None``."""
    return UnitSubmission.unscoped.filter(
        batch_id=application.batch_id, unit_id=application.unit_id, submitted_at__isnull=False
    ).first()


def _check_verdict(application: Application, target: str, acknowledge: set[str]) -> list[str]:
    """Refuse a listing decision on an application with an unruled exclusion; warnings must be
    acknowledged. Returns the rule ids acknowledged."""
    findings = verdicts.decision_findings(application)
    name = application.organisation.name
    label = State(target).label
    excluding = [f for f in findings if f.excludes]
    if excluding:
        rules = "、".join(dict.fromkeys(f.rule for f in excluding))
        raise RuleRefused(
            f"“{name}”不得设为“{label}”：筛查结论为不得推荐（{rules}）。{cited(excluding)}。"
            "如认为某项发现有误，请先对该发现作出认定（排除须写明理由并附证明材料）。",
            excluding,
        )
    warnings = [f for f in findings if f.effect is Effect.WARN and not f.dismissed]
    unacknowledged = [f for f in warnings if f.rule not in acknowledge]
    if unacknowledged:
        rules = "、".join(dict.fromkeys(f.rule for f in unacknowledged))
        raise RuleRefused(
            f"“{name}”有须确认的提示（{rules}）：{cited(unacknowledged)}。请确认已知悉后再设为“{label}”。",
            unacknowledged,
        )
    return sorted({f.rule for f in warnings})


def transition(
    application: Application,
    target: str,
    *,
    actor: User,
    reason: str = "",
    acknowledge: Iterable[str] = (),
    context: dict[str, Any] | None = None,
) -> Application:
    """Move an application to ``target`` (``context``: extra audit details, e.g. the bulk action
    it was part of).

    Side effects: locks and updates the application row, bumps its version, sets
    ``submitted_at`` on first submission, appends one audit event (from, to, reason, the warnings
    acknowledged). Raises :class:`ActionRefused` (:class:`NotPermitted` for the role,
    :class:`RuleRefused` for a rule, the state or a frozen list) and changes nothing when the move
    is not allowed.
    """
    reason = reason.strip()
    with transaction.atomic():
        current = (
            Application.unscoped.select_for_update()
            .select_related("batch", "organisation", "unit")
            .get(pk=application.pk)
        )
        if not can_act_on(actor, current):
            raise NotPermitted("您无权处理该申报：它不属于您的单位或企业。")
        if target not in State.values:
            raise RuleRefused(f"目标状态“{target}”无效，可选：{'、'.join(State.values)}。")
        move = workflow.find(current.state, target)
        role = Role.PROVINCE if actor.role == Role.ADMIN else actor.role
        if move is not None and role not in move.roles:
            raise NotPermitted(
                f"“{move.label}”只能由{'、'.join(Role(r).label for r in sorted(move.roles))}操作。"
            )
        if not any(t.target == target and role in t.roles for t in workflow.TRANSITIONS):
            raise NotPermitted(f"{Role(role).label}不能将申报变更为“{State(target).label}”。")
        if move is None:
            raise RuleRefused(
                f"申报当前状态为“{State(current.state).label}”，不能变更为“{State(target).label}”。"
            )
        if move.reason_required and not reason:
            raise RuleRefused(f"“{move.label}”须填写理由。")
        submission = submitted_unit(current)
        if role == Role.CITY and submission is not None:
            raise RuleRefused(
                f"{current.unit.name}已于 {timezone.localtime(submission.submitted_at):%Y-%m-%d %H:%M} "
                "报送省厅，名单已冻结；如需修改，请联系省厅退回报送。"
            )
        if move.target == State.PROVINCE_RECOMMENDED and submission is None:
            raise RuleRefused(f"{current.unit.name}尚未报送推荐名单，省厅只能在推荐单位报送后作出推荐决定。")
        acknowledged: list[str] = []
        if move.target in LISTING:
            acknowledged = _check_verdict(current, move.target, set(acknowledge))
        try:
            if move.target == State.SUBMITTED:
                guards.evaluator_cap(current)
            if move.target == State.CITY_RECOMMENDED and source_is_review(current.state):
                guards.unit_quota(current)
        except guards.LimitReached as limit:
            raise RuleRefused(str(limit)) from limit
        source = current.state
        current.state = move.target
        current.version += 1
        fields = ["state", "version", "updated_at"]
        if move.target == State.SUBMITTED and current.submitted_at is None:
            current.submitted_at = timezone.now()
            fields.append("submitted_at")
        current.save(update_fields=fields)
        details: dict[str, Any] = {"from": source, "to": str(move.target), "label": move.label}
        if acknowledged:
            details["acknowledged"] = acknowledged
        if context:
            details.update(context)
        record(
            actor=actor,
            action=Action.APPLICATION_TRANSITION,
            obj=current,
            unit=current.unit,
            reason=reason,
            details=details,
        )
        queue_state_change(current, source, reason)
    return current


def evaluator_refusal(application: Application, evaluator: Evaluator) -> list[Finding]:
    """Why ``evaluator`` cannot take this project now: not accepted (V1, V2) or full (V3)."""
    return verdicts.evaluator_standing(application.batch, evaluator, exclude=application.pk)


EDITABLE_FIELDS_AUDIT_LIMIT = 40


def update_application(
    application: Application, changes: dict[str, Any], *, actor: User, expected_version: int | None = None
) -> Application:
    """Save the applicant's edits while the application is editable. Side effects: the changed
    fields, a version bump, one audit event listing old and new values. A stale
    ``expected_version`` (someone saved in between) is refused instead of overwriting; so is an
    evaluator that cannot take the project (V1, V2, V3)."""
    with transaction.atomic():
        current = Application.unscoped.select_for_update().select_related("batch").get(pk=application.pk)
        if actor.role != Role.APPLICANT or actor.organisation_id != current.organisation_id:
            raise NotPermitted("只有申报单位本身可以修改申报内容。")
        if current.state not in workflow.EDITABLE_STATES:
            raise RuleRefused(
                f"申报当前状态为“{State(current.state).label}”，不能修改；如需修改请联系推荐单位退回。"
            )
        if expected_version is not None and expected_version != current.version:
            raise RuleRefused("该申报已在别处被修改，请刷新页面后重新编辑（您的修改未保存）。")
        if "evaluator" in changes:
            evaluator_id = changes["evaluator"].pk if changes["evaluator"] else None
        else:
            evaluator_id = changes.get("evaluator_id", current.evaluator_id)
        method = changes.get("method", current.method)
        if method == Method.THIRD_PARTY and evaluator_id and evaluator_id != current.evaluator_id:
            evaluator = Evaluator.objects.select_for_update().get(pk=evaluator_id)
            refusal = evaluator_refusal(current, evaluator)
            if refusal:
                raise RuleRefused(
                    f"不能委托{evaluator.name}：{cited(refusal)}。请选择其他机构或改为自评价。", refusal
                )
        previous_evaluator = current.evaluator_id
        diff = apply_changes(current, changes)
        if not diff:
            return current
        named = current.evaluator if current.method == Method.THIRD_PARTY else None
        if named is not None and named.pk != previous_evaluator:
            # The declaration (V4) belongs to the engagement it was signed on, not to the application.
            current.no_result_promise = False
        current.version += 1
        current.save()
        if named is not None and (named.pk != previous_evaluator or current_engagement(current) is None):
            request_engagement(current, named, actor=actor)
        record(
            actor=actor,
            action=Action.APPLICATION_UPDATED,
            obj=current,
            unit=current.unit,
            details={"changes": dict(list(diff.items())[:EDITABLE_FIELDS_AUDIT_LIMIT])},
        )
    return current


__all__ = ["ActionRefused", "NotPermitted", "RuleRefused", "transition", "update_application"]
