"""Every state change of an application goes through here: one transaction, a permission
check, and an audit event written in the same transaction (the Zulip ``do_*`` pattern)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign import guards, workflow
from greenlist.campaign.models import Application, Batch
from greenlist.campaign.notices import queue_state_change
from greenlist.campaign.workflow import State
from greenlist.registry.models import Organisation
from greenlist.rules.vocabulary import Category


class ActionRefused(Exception):
    """The user may not do this; the message (Chinese) says why and what to do instead."""


def can_act_on(user: User, application: Application) -> bool:
    """Whether the user's role reaches this application at all (its unit, itself, the province)."""
    if user.role in (Role.PROVINCE, Role.ADMIN):
        return True
    if user.role == Role.CITY:
        return user.unit_id is not None and user.unit_id == application.unit_id
    if user.role == Role.APPLICANT:
        return user.organisation_id is not None and user.organisation_id == application.organisation_id
    return False


def source_is_review(state: str) -> bool:
    """Only a new recommendation counts against Q1 (not the province undoing its own decision)."""
    return state == State.CITY_REVIEW


def transition(application: Application, target: str, *, actor: User, reason: str = "") -> Application:
    """Move an application to ``target``.

    Side effects: locks and updates the application row, bumps its version, sets
    ``submitted_at`` on first submission, appends one audit event (from, to, reason).
    Raises :class:`ActionRefused` and changes nothing when the move is not allowed.
    """
    reason = reason.strip()
    with transaction.atomic():
        current = Application.unscoped.select_for_update().get(pk=application.pk)
        if not can_act_on(actor, current):
            raise ActionRefused("您无权处理该申报：它不属于您的单位或企业。")
        move = workflow.find(current.state, target)
        if move is None:
            raise ActionRefused(
                f"申报当前状态为“{State(current.state).label}”，不能变更为“{State(target).label}”。"
            )
        role = Role.PROVINCE if actor.role == Role.ADMIN else actor.role
        if role not in move.roles:
            raise ActionRefused(
                f"“{move.label}”只能由{'、'.join(Role(r).label for r in sorted(move.roles))}操作。"
            )
        if move.reason_required and not reason:
            raise ActionRefused(f"“{move.label}”须填写理由。")
        try:
            if move.target == State.SUBMITTED:
                guards.evaluator_cap(current)
            if move.target == State.CITY_RECOMMENDED and source_is_review(current.state):
                guards.unit_quota(current)
        except guards.LimitReached as limit:
            raise ActionRefused(str(limit)) from limit
        source = current.state
        current.state = move.target
        current.version += 1
        fields = ["state", "version", "updated_at"]
        if move.target == State.SUBMITTED and current.submitted_at is None:
            current.submitted_at = timezone.now()
            fields.append("submitted_at")
        current.save(update_fields=fields)
        record(
            actor=actor,
            action=Action.APPLICATION_TRANSITION,
            obj=current,
            unit=current.unit,
            reason=reason,
            details={"from": source, "to": str(move.target), "label": move.label},
        )
        queue_state_change(current, source, reason)
    return current


def declare_no_result_promise(application: Application, *, actor: User) -> Application:
    """The evaluator declares that its contract for this project promises no result and links no
    fee to the result (rule V4). Side effects: sets the flag, one audit event."""
    with transaction.atomic():
        current = Application.unscoped.select_for_update().get(pk=application.pk)
        if (
            actor.role != Role.EVALUATOR
            or actor.evaluator_id is None
            or actor.evaluator_id != current.evaluator_id
        ):
            raise ActionRefused("只有承担该项目评价的第三方机构可以签署此声明。")
        if current.no_result_promise:
            raise ActionRefused("该项目的无结果承诺声明已签署。")
        current.no_result_promise = True
        current.version += 1
        current.save(update_fields=["no_result_promise", "version", "updated_at"])
        record(
            actor=actor,
            action=Action.APPLICATION_UPDATED,
            obj=current,
            unit=current.unit,
            reason="第三方机构签署无结果承诺声明",
            details={"no_result_promise": True},
        )
    return current


EDITABLE_FIELDS_AUDIT_LIMIT = 40


def create_application(
    *, batch: Batch, organisation: Organisation, category: str, actor: User
) -> Application:
    """The applicant opens a draft in a category. Side effects: one application, one audit event."""
    if actor.role != Role.APPLICANT or actor.organisation_id != organisation.pk:
        raise ActionRefused("只有申报单位本身可以创建申报。")
    if category not in {c.value for c in Category}:
        raise ActionRefused("申报类别无效。")
    with transaction.atomic():
        if Application.unscoped.filter(batch=batch, organisation=organisation, category=category).exists():
            raise ActionRefused(f"本单位已有{Category(category).label}申报，请直接编辑该申报。")
        application = Application.unscoped.create(
            batch=batch,
            organisation=organisation,
            unit=organisation.unit,
            category=category,
            industry=organisation.industry,
        )
        record(
            actor=actor,
            action=Action.APPLICATION_CREATED,
            obj=application,
            unit=application.unit,
            details={"to": application.state, "source": "web"},
        )
    return application


def update_application(
    application: Application, changes: dict[str, Any], *, actor: User, expected_version: int | None = None
) -> Application:
    """Save the applicant's edits while the application is editable. Side effects: the changed
    fields, a version bump, one audit event listing old and new values. A stale
    ``expected_version`` (someone saved in between) is refused instead of overwriting."""
    with transaction.atomic():
        current = Application.unscoped.select_for_update().get(pk=application.pk)
        if actor.role != Role.APPLICANT or actor.organisation_id != current.organisation_id:
            raise ActionRefused("只有申报单位本身可以修改申报内容。")
        if current.state not in workflow.EDITABLE_STATES:
            raise ActionRefused(
                f"申报当前状态为“{State(current.state).label}”，不能修改；如需修改请联系推荐单位退回。"
            )
        if expected_version is not None and expected_version != current.version:
            raise ActionRefused("该申报已在别处被修改，请刷新页面后重新编辑（您的修改未保存）。")
        diff = {}
        for name, value in changes.items():
            old = getattr(current, name)
            if old != value:
                diff[name] = {"from": old, "to": value}
                setattr(current, name, value)
        if not diff:
            return current
        current.version += 1
        current.save()
        record(
            actor=actor,
            action=Action.APPLICATION_UPDATED,
            obj=current,
            unit=current.unit,
            details={"changes": dict(list(diff.items())[:EDITABLE_FIELDS_AUDIT_LIMIT])},
        )
    return current
