"""Request ids and the request context of log lines.

``RequestIdMiddleware`` gives every request an id — the caller's ``X-Request-ID`` when it is a
safe token (so a proxy's id follows the request through), a new one otherwise — echoes it in the
response and keeps the request in a context variable. ``RequestContextFilter`` (configured on the
log handler in ``settings.LOGGING``) adds the id, user, role and unit to every record written
while the request runs; the JSON formatter writes them as fields.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

HEADER = "X-Request-ID"
# A token, not free text: the id is written into logs and a response header, so no spaces, quotes,
# newlines or control characters (log injection, header splitting), and not overly long.
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current: ContextVar[HttpRequest | None] = ContextVar("greenlist_request", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a safe token, else a fresh one."""
    if header and SAFE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    request = _current.get()
    return getattr(request, "request_id", "") if request is not None else ""


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_from(request.headers.get(HEADER))  # type: ignore[attr-defined]
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response


def _known_user(request: HttpRequest) -> Any:
    """The request's user if it is already known; never loaded here: a log line must not cost a
    query, nor fail when the database is what is failing."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None
    return wrapped if getattr(wrapped, "is_authenticated", False) else None


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user``, ``role`` and ``unit`` to each record (empty outside a
    request, e.g. in the worker)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx response (logger django.request) after the middleware has
        # returned, passing the request along: prefer that one.
        given = getattr(record, "request", None)
        request = given if isinstance(given, HttpRequest) else _current.get()
        user = _known_user(request) if request is not None else None
        record.request_id = getattr(request, "request_id", "") if request is not None else ""
        record.user = user.get_username() if user is not None else ""
        record.role = getattr(user, "role", "") or ""
        unit_id = getattr(user, "unit_id", None)
        record.unit = str(unit_id) if unit_id is not None else ""
        return True
