"""Self-registration of an applicant (enterprise or park management body) by its uscc."""

from __future__ import annotations

from django.db import transaction

from greenlist.accounts.models import OrganisationClaim, Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.registry.models import Organisation, RecommendingUnit


def register_applicant(
    *, uscc: str, name: str, unit: RecommendingUnit, industry: str, username: str, email: str, password: str
) -> User:
    """Create the applicant's account. A uscc new to the registry creates its organisation and
    the account acts for it at once. A uscc the registry already holds (imported by its unit, or
    registered before) proves nothing — anyone can read it off an invoice — so the account starts
    pending (``accounts.claims``): bound to no organisation, it sees nothing until the
    organisation's city confirms it. Side effects: an organisation or a pending claim, a user,
    one audit event."""
    with transaction.atomic():
        organisation, created = Organisation.unscoped.get_or_create(
            uscc=uscc, defaults={"name": name, "unit": unit, "industry": industry}
        )
        user = User(
            username=username,
            email=email,
            role=Role.APPLICANT,
            organisation=organisation if created else None,
            # The name the registrant typed, not the registry's: a pending account learns nothing.
            first_name=name[:150],
        )
        user.set_password(password)
        user.save()
        if created:
            record(
                actor=user,
                action=Action.REGISTRY_RECORD_CHANGED,
                obj=organisation,
                unit=organisation.unit,
                reason="申报单位注册账号",
                details={"organisation_created": True, "username": username},
            )
        else:
            claim = OrganisationClaim.objects.create(user=user, organisation=organisation, stated_name=name)
            record(
                actor=user,
                action=Action.ACCOUNT_CLAIM_REQUESTED,
                obj=organisation,
                unit=organisation.unit,
                reason="注册的统一社会信用代码已在名录中，待推荐单位确认",
                details={"username": username, "claim": claim.pk, "stated_name": name},
            )
    return user
