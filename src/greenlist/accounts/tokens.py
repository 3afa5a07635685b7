"""Creating and resolving API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import TOKEN_LIFETIME_DAYS, ApiToken, User
from greenlist.audit.log import record as audit
from greenlist.audit.models import Action

# last_used_at is written at most this often per token: one UPDATE per minute, not per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenExpired(Exception):
    """The token is known but past its ``expires_at``."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str, *, days: int = TOKEN_LIFETIME_DAYS) -> str:
    """Create a token for ``user`` valid for ``days``; returns the token (shown once; only its
    digest is kept)."""
    return issue(user, name, days=days)[0]


def issue(user: User, name: str, *, days: int = TOKEN_LIFETIME_DAYS) -> tuple[str, ApiToken]:
    """Create a token for ``user`` valid for ``days``: the token (shown once) and its record."""
    if days < 1:
        raise ValueError("令牌有效期至少为 1 天。")
    token = "gl_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=user,
            name=name,
            digest=digest(token),
            prefix=token[:8],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit(
            actor=user,
            action=Action.API_TOKEN_ISSUED,
            obj=record,
            object_label=f"{user.username} · {name} ({record.prefix}…)",
            unit=user.unit,
            details={"days": days, "expires_at": record.expires_at.isoformat()},
        )
    return token, record


def user_for_token(token: str) -> User | None:
    """The token's active user; ``None`` for an unknown token or an inactive user.
    Raises :class:`TokenExpired` for a token past its expiry."""
    found = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.expires_at <= now:
        raise TokenExpired
    if found.last_used_at is None or found.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
