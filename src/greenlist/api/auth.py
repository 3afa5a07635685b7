from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from greenlist.accounts.scopes import scope_for
from greenlist.accounts.tokens import TokenExpired, user_for_token
from greenlist.scoping import activate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gl_…``; the request then runs in the token user's scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = user_for_token(token)
        except TokenExpired as exc:
            raise HttpError(
                401, "API 令牌已过期，请用 greenlist token create 用户名 [--days 天数] 重新申领。"
            ) from exc
        if user is None:
            return None
        request.user = user
        activate(scope_for(user))
        return user
