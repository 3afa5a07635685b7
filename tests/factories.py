"""Small builders for tests that need specific data (a listed factory, a record, a submitted unit)."""

from __future__ import annotations

import datetime as dt

from greenlist.campaign.models import Batch, UnitSubmission
from greenlist.registry.models import NegativeRecord, Organisation, ProvincialListEntry
from greenlist.scoping import unscoped
from tests.conftest import make_org, unit


def listed_factory(unit_name: str, name: str) -> Organisation:
    """A firm on its unit's active provincial green-factory list (F1 holds)."""
    org = make_org(unit_name, name)
    ProvincialListEntry.objects.create(
        uscc=org.uscc,
        name=org.name,
        category="factory",
        level="provincial",
        unit=org.unit,
        year=2022,
        status="active",
    )
    return org


def dishonest(org: Organisation, *, by_name: bool = False) -> NegativeRecord:
    """An E6 record on the firm (by uscc, or by name only)."""
    uscc = "" if by_name else org.uscc
    start = dt.date(2023, 3, 1)
    with unscoped():
        return NegativeRecord.objects.create(
            uscc=uscc,
            name=org.name,
            name_normalised=org.name_normalised,
            type="dishonest_debtor",
            start=start,
            key=NegativeRecord.make_key(uscc, org.name_normalised, "dishonest_debtor", start),
        )


def mark_submitted(batch: Batch, unit_name: str) -> UnitSubmission:
    """The unit's list is with the province (set directly: the path to it is tested on its own)."""
    with unscoped():
        submission, _ = UnitSubmission.objects.get_or_create(batch=batch, unit=unit(unit_name))
        submission.submitted_at = dt.datetime(2024, 7, 10, tzinfo=dt.UTC)
        submission.save()
        return submission
