from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from greenlist.accounts.tokens import user_for_token
from greenlist.scoping import Scope, activate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gl_…``; the request then runs in the token user's scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        activate(Scope.for_user(user))
        return user
