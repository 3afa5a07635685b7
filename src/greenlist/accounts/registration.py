"""Self-registration of an applicant (enterprise or park management body) by its uscc."""

from __future__ import annotations

from django.db import transaction

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.registry.models import Organisation, RecommendingUnit


def register_applicant(
    *, uscc: str, name: str, unit: RecommendingUnit, industry: str, username: str, email: str, password: str
) -> User:
    """Create the applicant's account, and its organisation unless the registry already holds it
    (imported by its unit); then the registry's name and unit stand. Side effects: an
    organisation (maybe), a user, one audit event."""
    with transaction.atomic():
        organisation, created = Organisation.unscoped.get_or_create(
            uscc=uscc, defaults={"name": name, "unit": unit, "industry": industry}
        )
        user = User(
            username=username,
            email=email,
            role=Role.APPLICANT,
            organisation=organisation,
            first_name=organisation.name[:150],
        )
        user.set_password(password)
        user.save()
        record(
            actor=user,
            action=Action.REGISTRY_RECORD_CHANGED,
            obj=organisation,
            unit=organisation.unit,
            reason="申报单位注册账号",
            details={"organisation_created": created, "username": username},
        )
    return user
