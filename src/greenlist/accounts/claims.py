"""Confirming that a registered account speaks for an enterprise the registry already holds.

Knowing a firm's uscc proves nothing (it is printed on every invoice), so an account registered
for an existing organisation starts pending (``OrganisationClaim``) and is bound to the firm only
when its city confirms it, or when it enters a one-time code the city issued and handed over.
Every decision, and every refused code, is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import ClaimCode, ClaimState, OrganisationClaim, Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action

CODE_LIFETIME = dt.timedelta(days=7)
# No 0/O, 1/I/L: the code is read out over the telephone or copied from paper.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 12  # ~59 bits: guessing is hopeless even without a limit on attempts


class ClaimRefused(Exception):
    """The action was refused; the message says why and what to do (Chinese, for the user)."""


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def pending_claim(user: User) -> OrganisationClaim | None:
    """The user's claim unless it is confirmed (a pending or rejected account), else ``None``."""
    if user.role != Role.APPLICANT or user.organisation_id is not None:
        return None
    return OrganisationClaim.objects.exclude(state=ClaimState.CONFIRMED).filter(user=user).first()


def claims_for_unit(city: User) -> list[OrganisationClaim]:
    """The pending registrations for organisations of the city user's unit."""
    if city.role != Role.CITY or city.unit_id is None:
        return []
    return list(
        OrganisationClaim.objects.select_related("user", "organisation")
        .filter(state=ClaimState.PENDING, organisation__unit_id=city.unit_id)
        .order_by("created_at")
    )


def _claim_of_unit(city: User, claim_id: int) -> OrganisationClaim:
    """The pending claim, locked, if the city user's unit is the organisation's; otherwise
    ``OrganisationClaim.DoesNotExist`` (a city cannot even learn of another unit's claims)."""
    if city.role != Role.CITY or city.unit_id is None:
        raise OrganisationClaim.DoesNotExist
    return (
        OrganisationClaim.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=claim_id, state=ClaimState.PENDING, organisation__unit_id=city.unit_id)
    )


def _bind(claim: OrganisationClaim, decided_by: User | None, now: dt.datetime) -> None:
    organisation = claim.organisation
    claim.state = ClaimState.CONFIRMED
    claim.decided_at = now
    claim.decided_by = decided_by
    claim.save(update_fields=["state", "decided_at", "decided_by"])
    user = claim.user
    user.organisation = organisation
    user.first_name = organisation.name[:150]
    user.save(update_fields=["organisation", "first_name"])


def confirm(city: User, claim_id: int) -> OrganisationClaim:
    with transaction.atomic():
        claim = _claim_of_unit(city, claim_id)
        _bind(claim, city, timezone.now())
        record(
            actor=city,
            action=Action.ACCOUNT_CLAIM_CONFIRMED,
            obj=claim.organisation,
            unit=claim.organisation.unit,
            details={"username": claim.user.username, "claim": claim.pk},
        )
    return claim


def reject(city: User, claim_id: int, reason: str) -> OrganisationClaim:
    reason = reason.strip()
    if not reason:
        raise ClaimRefused("驳回须填写理由（申请人登录后可以看到），例如“经电话核实，该账号并非本单位注册”。")
    with transaction.atomic():
        claim = _claim_of_unit(city, claim_id)
        claim.state = ClaimState.REJECTED
        claim.decided_at = timezone.now()
        claim.decided_by = city
        claim.reason = reason
        claim.save(update_fields=["state", "decided_at", "decided_by", "reason"])
        record(
            actor=city,
            action=Action.ACCOUNT_CLAIM_REJECTED,
            obj=claim.organisation,
            unit=claim.organisation.unit,
            reason=reason,
            details={"username": claim.user.username, "claim": claim.pk},
        )
    return claim


def issue_code(city: User, claim_id: int) -> tuple[str, ClaimCode]:
    """A new one-time code for the organisation of a pending claim of the city's unit; returns
    the code (shown once, to be handed over to the firm through a channel the city trusts)."""
    code = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    with transaction.atomic():
        claim = _claim_of_unit(city, claim_id)
        issued = ClaimCode.objects.create(
            organisation=claim.organisation,
            code_hash=make_password(code),
            created_by=city,
            expires_at=timezone.now() + CODE_LIFETIME,
        )
        record(
            actor=city,
            action=Action.CLAIM_CODE_ISSUED,
            obj=claim.organisation,
            unit=claim.organisation.unit,
            details={"code": issued.pk, "expires_at": issued.expires_at.isoformat()},
        )
    return _grouped(code), issued


def _refuse(user: User, claim: OrganisationClaim, why: str, message: str) -> ClaimRefused:
    """Audit a refused code in a transaction of its own (the refusal itself changes nothing)."""
    with transaction.atomic():
        record(
            actor=user,
            action=Action.CLAIM_CODE_REFUSED,
            object_type=OrganisationClaim._meta.label,
            object_id=str(claim.pk),
            object_label=f"{user.username} 的注册确认",
            unit=claim.organisation.unit,
            reason=why,
            details={"username": user.username},
        )
    return ClaimRefused(message)


def redeem_code(user: User, code: str) -> OrganisationClaim:
    """Confirm the user's pending claim with a code issued for its organisation: unused and
    unexpired; used up by this. A wrong, used or expired code is refused and audited."""
    claim = pending_claim(user)
    if claim is None or claim.state != ClaimState.PENDING:
        raise ClaimRefused("您的账号没有待确认的注册申请。")
    entered = _normalise(code)
    now = timezone.now()
    with transaction.atomic():
        candidates = ClaimCode.objects.select_for_update().filter(organisation_id=claim.organisation_id)
        match = next(
            (c for c in candidates.order_by("-created_at")[:20] if check_password(entered, c.code_hash)), None
        )
        if match is not None and match.used_at is None and match.expires_at > now:
            match.used_at = now
            match.used_by = user
            match.save(update_fields=["used_at", "used_by"])
            claim = (
                OrganisationClaim.objects.select_for_update()
                .select_related("organisation", "user")
                .get(pk=claim.pk)
            )
            if claim.state != ClaimState.PENDING:
                raise ClaimRefused("您的注册申请已由推荐单位处理，请刷新页面。")
            _bind(claim, None, now)
            record(
                actor=user,
                action=Action.CLAIM_CODE_ACCEPTED,
                obj=claim.organisation,
                unit=claim.organisation.unit,
                details={"username": user.username, "claim": claim.pk, "code": match.pk},
            )
            return claim
    if match is None:
        raise _refuse(
            user,
            claim,
            "确认码不正确",
            "确认码不正确。请核对推荐单位提供的 12 位确认码（不区分大小写）后重新输入。",
        )
    if match.used_at is not None:
        raise _refuse(
            user, claim, "确认码已使用", "该确认码已使用过，每个确认码只能使用一次。请联系推荐单位重新生成。"
        )
    raise _refuse(user, claim, "确认码已过期", "该确认码已过期。请联系推荐单位重新生成确认码。")
