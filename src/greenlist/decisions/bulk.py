"""Bulk decisions of a city: accept many, not-recommend many. Each application's move is the
ordinary audited :func:`transition` and its own all-or-nothing step: the ones a rule or the state
refuses are listed with the reason and stay as they were, the rest go through. The preview is
the same moves made and rolled back, so it says exactly what confirming would do at that moment."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from greenlist.accounts.models import User
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.campaign.workflow import State
from greenlist.decisions.transitions import transition

# The bulk actions a city may take: name → (target state, label, reason required).
ACTIONS: dict[str, tuple[State, str, bool]] = {
    "accept": (State.CITY_REVIEW, "受理并审核", False),
    "not_recommend": (State.CITY_NOT_RECOMMENDED, "不予推荐", True),
}
# The state each action starts from (the list the page offers to pick from).
SOURCES: dict[str, State] = {"accept": State.SUBMITTED, "not_recommend": State.CITY_REVIEW}
MAX_SELECTED = 500  # one request's work; a unit has at most a few hundred applications


@dataclass(frozen=True)
class Outcome:
    application: Application
    ok: bool
    message: str  # why refused; empty when it went (or would go) through


class _Preview(Exception):
    """Raised inside a savepoint to undo a move made only to see whether it would succeed."""


def bulk_transition(
    applications: Iterable[Application],
    action: str,
    *,
    actor: User,
    reason: str = "",
    preview: bool = False,
) -> list[Outcome]:
    """Make ``action`` on each application, each in its own transaction. With ``preview`` every
    move is made and rolled back (nothing is written, no event recorded). Each move that goes
    through records its own audit event, carrying the bulk run's id."""
    if action not in ACTIONS:
        raise ActionRefused(f"未知的批量操作“{action}”。")
    target, label, reason_required = ACTIONS[action]
    if reason_required and not reason.strip():
        raise ActionRefused(f"批量“{label}”须填写理由（将记入每一项申报的办理记录）。")
    run = uuid.uuid4().hex[:12]
    outcomes = []
    for application in applications:
        try:
            with transaction.atomic():
                transition(
                    application,
                    target,
                    actor=actor,
                    reason=reason,
                    context={"bulk": run, "bulk_action": action},
                )
                if preview:
                    raise _Preview
        except _Preview:
            outcomes.append(Outcome(application, True, ""))
        except ActionRefused as refusal:
            outcomes.append(Outcome(application, False, str(refusal)))
        else:
            outcomes.append(Outcome(application, True, ""))
    return outcomes
