"""P2 from the register: a park's green factories are the list entries located in it, and the live
ranking orders parks by P2's key."""

from __future__ import annotations

from greenlist.registry.models import ProvincialListEntry, RecommendingUnit
from greenlist.scoping import unscoped
from greenlist.screening.ranking import rank_unit
from tests.conftest import make_org, new_uscc


def factories_in(park_uscc, count, unit):
    for index in range(count):
        ProvincialListEntry.objects.create(
            uscc=new_uscc(),
            name=f"园区内绿色工厂{park_uscc[-4:]}-{index}",
            category="factory",
            level="provincial",
            unit=unit,
            year=2022,
            status="active",
            park_uscc=park_uscc,
        )


def test_a_parks_green_factory_count_comes_from_the_register_not_its_declaration(batch, make_application):
    with unscoped():
        unit = RecommendingUnit.objects.get(name="石家庄市")
        boastful = make_application(
            make_org("石家庄市", "甲工业园区管委会"), category="park", green_factories_inside=9, score=95
        )
        modest = make_application(
            make_org("石家庄市", "乙工业园区管委会"), category="park", green_factories_inside=0, score=60
        )
        factories_in(boastful.organisation.uscc, 1, unit)
        factories_in(modest.organisation.uscc, 3, unit)
        # A revoked green factory in the park no longer counts.
        ProvincialListEntry.objects.create(
            uscc=new_uscc(),
            name="已撤销工厂",
            category="factory",
            level="provincial",
            unit=unit,
            year=2021,
            status="revoked",
            park_uscc=boastful.organisation.uscc,
        )
        ranking = rank_unit(batch, unit, "park")
    order = [ranking.applications[r.key].organisation.name for r in ranking.ranked]
    assert order == ["乙工业园区管委会", "甲工业园区管委会"]
    first = ranking.ranked[0]
    assert first.deciding == "category"
    assert "园区内绿色工厂3家（据绿色制造名单登记）" in first.explanation
    assert "园区内绿色工厂1家（据绿色制造名单登记）" in first.explanation


def test_without_parks_in_the_register_the_declared_count_ranks(batch, make_application):
    with unscoped():
        unit = RecommendingUnit.objects.get(name="石家庄市")
        make_application(
            make_org("石家庄市", "甲工业园区管委会"), category="park", green_factories_inside=9, score=60
        )
        make_application(
            make_org("石家庄市", "乙工业园区管委会"), category="park", green_factories_inside=2, score=95
        )
        ranking = rank_unit(batch, unit, "park")
    order = [ranking.applications[r.key].organisation.name for r in ranking.ranked]
    assert order == ["甲工业园区管委会", "乙工业园区管委会"]
    assert "园区内绿色工厂9家（申报单位自报）" in ranking.ranked[0].explanation
