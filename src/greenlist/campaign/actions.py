"""Every state change of an application goes through here: one transaction, a permission
check, and an audit event written in the same transaction (the Zulip ``do_*`` pattern)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign import workflow
from greenlist.campaign.models import Application
from greenlist.campaign.workflow import State


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
