"""Upgrading gives the entries recorded before the register their history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("registry", "0006_register_history_proposals")
AFTER = ("registry", "0007_register_history_backfill")


@pytest.mark.django_db(transaction=True)
def test_existing_entries_get_their_listing_and_removal():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        unit = old.get_model("registry", "RecommendingUnit").objects.get(name="石家庄市")
        entries = old.get_model("registry", "ProvincialListEntry").objects
        active = entries.create(
            uscc="91130100MA00000001", name="甲", category="factory", level="provincial", unit=unit, year=2020
        )
        revoked = entries.create(
            uscc="91130100MA00000002",
            name="乙",
            category="park",
            level="municipal",
            unit=unit,
            year=2019,
            status="revoked",
            revoked_on=dt.date(2023, 6, 1),
        )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps
        events = new.get_model("registry", "RegisterEvent").objects
        assert list(events.filter(entry_id=active.pk).values_list("kind", "on")) == [
            ("listed", dt.date(2020, 1, 1))
        ]
        assert list(events.filter(entry_id=revoked.pk).order_by("on").values_list("kind", "on")) == [
            ("listed", dt.date(2019, 1, 1)),
            ("revoked", dt.date(2023, 6, 1)),
        ]
        assert (
            "2019年列入市级绿色工业园区名单（石家庄市推荐）"
            in events.get(entry_id=revoked.pk, kind="listed").detail
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
