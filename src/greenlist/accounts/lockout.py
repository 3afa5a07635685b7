"""Login throttling (django-axes) that slows a password guesser without locking out the real user.

A lock holds one (username, client address) pair only — never the account as a whole, never an
address alone — so failures from one place cannot keep the user out from another. The client
address is the one the trusted proxy saw (``proxies.client_address``). Each lock lasts longer than
the last one for the same pair within a day: 2, 4, 8 … minutes, at most a working day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.helpers import get_client_username  # type: ignore[import-untyped]
from axes.models import AccessAttempt, AccessFailureLog  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from greenlist.accounts.proxies import client_address

FIRST_LOCK = dt.timedelta(minutes=2)
LONGEST_LOCK = dt.timedelta(hours=8)
MEMORY = dt.timedelta(days=1)  # failures older than this no longer lengthen the next lock


def _pair(request: HttpRequest) -> tuple[str, str]:
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    return get_client_username(request) or "", address


def cool_off(request: HttpRequest | None) -> dt.timedelta:
    """How long a lock of this request's (username, address) lasts: doubled for every earlier
    round of ``AXES_FAILURE_LIMIT`` failures from the same pair within ``MEMORY``. Only failures
    before this request count, so the answer is the same whether axes asks before or after
    logging the current failure."""
    if request is None:
        return LONGEST_LOCK  # axes asks without a request only when cleaning up: keep the longest
    username, address = _pair(request)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    earlier = AccessFailureLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=now - MEMORY, attempt_time__lt=now
    ).count()
    rounds = earlier // max(1, settings.AXES_FAILURE_LIMIT)
    return min(FIRST_LOCK * 2 ** min(rounds, 16), LONGEST_LOCK)


def locked_until(request: HttpRequest) -> dt.datetime:
    username, address = _pair(request)
    expiry = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        until=Max("expiration__expires_at")
    )["until"]
    return expiry or timezone.now() + cool_off(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The lock page, in Chinese, with the time the next attempt is possible."""
    until = locked_until(request)
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return render(
        request,
        "web/lockout.html",
        {"until": until, "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
