"""The register's standing figures: regional average and the bottom-share watchlist."""

from __future__ import annotations

from decimal import Decimal

import pytest

from greenlist.registry.models import ProvincialListEntry, UnitScore
from greenlist.registry.standing import bottom_share, regional_average, watchlist
from greenlist.rules.vocabulary import Category, ListLevel
from tests.conftest import unit


def test_bottom_share_takes_at_least_one_and_keeps_ties() -> None:
    pairs = [(1, Decimal("70")), (2, Decimal("60")), (3, Decimal("60")), (4, Decimal("90"))]
    assert bottom_share(pairs, Decimal("0.05")) == {2, 3}
    assert bottom_share([], Decimal("0.05")) == set()
    twenty = [(i, Decimal(i)) for i in range(1, 41)]
    assert bottom_share(twenty, Decimal("0.05")) == {1, 2}


def _entry(index: int, level: str = "national", status: str = "active") -> ProvincialListEntry:
    return ProvincialListEntry.objects.create(
        uscc=f"TEST{index:014d}",
        name=f"测试工厂{index}",
        category="factory",
        level=level,
        unit=unit("石家庄市"),
        year=2020,
        status=status,
    )


@pytest.mark.django_db
def test_regional_average_uses_active_units_of_the_level_and_latest_year() -> None:
    assert regional_average(Category.FACTORY) is None
    a, b, revoked, provincial = _entry(1), _entry(2), _entry(3, status="revoked"), _entry(4, "provincial")
    for entry, score in [(a, "80"), (b, "91"), (revoked, "10"), (provincial, "10")]:
        UnitScore.objects.create(entry=entry, year=2025, score=Decimal(score))
    UnitScore.objects.create(entry=a, year=2024, score=Decimal("50"))
    latest = regional_average(Category.FACTORY)
    assert latest is not None
    assert (latest.year, latest.average, latest.units) == (2025, Decimal("85.50"), 2)
    earlier = regional_average(Category.FACTORY, year=2024)
    assert earlier is not None
    assert earlier.average == Decimal("50.00")


@pytest.mark.django_db
def test_watchlist_needs_every_year_in_the_bottom() -> None:
    entries = [_entry(i) for i in range(1, 5)]
    low_every_year, low_twice = entries[0], entries[1]
    for year in (2023, 2024, 2025):
        for entry in entries:
            score = "50" if entry == low_every_year else "90"
            if entry == low_twice and year != 2024:
                score = "50"
            UnitScore.objects.create(entry=entry, year=year, score=Decimal(score))
    assert watchlist(Category.FACTORY, ListLevel.NATIONAL, 2025) == [low_every_year]
