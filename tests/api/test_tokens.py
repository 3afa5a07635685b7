"""API tokens expire and record when they were last used (issue 15, finding 10)."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from greenlist.accounts.models import ApiToken
from greenlist.accounts.tokens import digest, issue_token
from greenlist.audit.models import Action, AuditEvent
from greenlist.scoping import unscoped


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_expired_token_is_refused_with_a_chinese_message(personas):
    token = issue_token(personas.city_a, "test")
    assert bearer(token).get("/api/quotas").status_code == 200
    ApiToken.objects.filter(digest=digest(token)).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = bearer(token).get("/api/quotas")
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["detail"]


def test_using_a_token_records_when_at_most_once_a_minute(personas):
    token = issue_token(personas.city_a, "test")
    tokens = ApiToken.objects.filter(digest=digest(token))
    assert tokens.get().last_used_at is None
    bearer(token).get("/api/quotas")
    first = tokens.get().last_used_at
    assert first is not None and first >= tokens.get().created_at

    bearer(token).get("/api/quotas")
    assert tokens.get().last_used_at == first  # a use within the minute writes nothing

    tokens.update(last_used_at=first - dt.timedelta(minutes=2))
    bearer(token).get("/api/quotas")
    assert tokens.get().last_used_at > first - dt.timedelta(minutes=2)


def test_the_command_takes_a_lifetime_and_still_prints_the_token_last(personas, capsys):
    call_command("token", "create", "p_city_a", "--days", "3")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    record = ApiToken.objects.get(digest=digest(token))
    assert abs(record.expires_at - record.created_at - dt.timedelta(days=3)) < dt.timedelta(minutes=1)
    assert bearer(token).get("/api/quotas").status_code == 200
    with unscoped():
        assert AuditEvent.objects.filter(action=Action.API_TOKEN_ISSUED, object_id=str(record.pk)).exists()


def test_a_token_expires_by_default(personas):
    record = ApiToken.objects.get(digest=digest(issue_token(personas.city_a, "test")))
    assert dt.timedelta(days=30) < record.expires_at - record.created_at < dt.timedelta(days=366)
