"""Creating and resolving API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from greenlist.accounts.models import ApiToken, User


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str) -> str:
    """Create a token for ``user``; returns the token (shown once; only its digest is kept)."""
    token = "gl_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=digest(token), prefix=token[:8])
    return token


def user_for_token(token: str) -> User | None:
    found = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
    if found is None or not found.user.is_active:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
