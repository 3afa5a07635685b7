"""Sets the data scope of each request from its user (see ``greenlist.scoping``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from greenlist.accounts.scopes import scope_for
from greenlist.scoping import scope


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        active = scope_for(request.user)
        request.scope = active  # type: ignore[attr-defined]
        with scope(active):
            return self.get_response(request)
