"""The migration giving API tokens an expiry: existing tokens keep working, for the default lifetime."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from greenlist.accounts.models import TOKEN_LIFETIME_DAYS

BEFORE = ("accounts", "0002_api_token")
AFTER = ("accounts", "0003_token_expiry_and_pending_registrations")


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_get_an_expiry_of_now_plus_the_default():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        user = old.get_model("accounts", "User").objects.create(username="old-token-user", role="city")
        token = old.get_model("accounts", "ApiToken").objects.create(
            user=user, name="旧令牌", digest="d" * 64, prefix="gl_old"
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps
        expires_at = new.get_model("accounts", "ApiToken").objects.get(pk=token.pk).expires_at
        expected = timezone.now() + dt.timedelta(days=TOKEN_LIFETIME_DAYS)
        assert abs(expires_at - expected) < dt.timedelta(hours=1)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
