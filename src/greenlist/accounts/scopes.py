"""A user's data scope, from their role (the scoping model itself is ``greenlist.scoping``, which
knows nothing of users)."""

from __future__ import annotations

from typing import Any

from greenlist.scoping import Scope


def scope_for(user: Any) -> Scope:
    """What ``user`` may see: the province everything; a city or department its unit; an applicant
    its organisation; an evaluator its projects; a review expert the applications assigned to them; anyone else (and a misconfigured account) nothing."""
    if not getattr(user, "is_authenticated", False):
        return Scope.nothing()
    role = user.role
    if role in ("province", "admin"):
        return Scope(role=role, everything=True)
    if role in ("city", "department"):
        if user.unit_id is None:
            return Scope.nothing()  # a misconfigured account sees nothing, never everything
        return Scope(role=role, unit_id=user.unit_id)
    # An applicant without an organisation — a registration for a firm the registry already
    # holds, pending its city's confirmation (accounts.claims) — falls through to nothing.
    if role == "applicant" and user.organisation_id is not None:
        return Scope(role=role, organisation_id=user.organisation_id)
    if role == "evaluator" and user.evaluator_id is not None:
        return Scope(role=role, evaluator_id=user.evaluator_id)
    if role == "expert":
        from greenlist.selection.models import Expert  # the pool lives in the selection app

        expert_id = Expert.unscoped.filter(user_id=user.pk, active=True).values_list("pk", flat=True).first()
        if expert_id is not None:
            return Scope(role=role, expert_id=expert_id)
    return Scope.nothing()
