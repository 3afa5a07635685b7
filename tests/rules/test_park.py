"""P1–P2 (二、具体要求（二）绿色工业园区): park conditions, priority flags and ranking."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.facts import Application, ListEntry, ParkFacts
from greenlist.rules.park import p1_park_conditions, p2_park_priority, park_rank_key
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus, Method, ParkLevel

BATCH = load_batch("hebei", "2024")

GOOD = ParkFacts(
    level=ParkLevel.PROVINCIAL,
    industrial_share=Decimal("62.5"),
    manufacturing_and_energy=True,
    legal_boundary=True,
    management_body=True,
)


def park_app(
    park: ParkFacts = GOOD, uscc: str = "11130100MB0000001C", category: Category = Category.PARK
) -> Application:
    return Application(
        uscc=uscc,
        name="某某经济开发区管委会",
        category=category,
        unit="沧州市",
        method=Method.SELF,
        park=park,
    )


def changed(**kw: object) -> ParkFacts:
    return dataclasses.replace(GOOD, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("park", "conditions", "fragment"),
    [
        pytest.param(GOOD, [], "", id="all-conditions-met"),
        pytest.param(changed(level=ParkLevel.NATIONAL), [], "", id="national-park"),
        pytest.param(
            changed(manufacturing_and_energy=False), ["manufacturing_and_energy"], "产品制造", id="function"
        ),
        pytest.param(
            changed(manufacturing_and_energy=None),
            ["manufacturing_and_energy"],
            "缺少数据",
            id="function-missing",
        ),
        pytest.param(
            changed(industrial_share=Decimal("50")), ["industrial_share"], "须超过50%", id="share-exactly-50"
        ),
        pytest.param(changed(industrial_share=Decimal("50.01")), [], "", id="share-just-over-50"),
        pytest.param(changed(industrial_share=None), ["industrial_share"], "缺少数据", id="share-missing"),
        pytest.param(changed(legal_boundary=False), ["legal_boundary"], "法定边界", id="no-legal-boundary"),
        pytest.param(
            changed(management_body=None), ["management_body"], "缺少数据", id="management-body-missing"
        ),
        pytest.param(changed(level=ParkLevel.MUNICIPAL), ["level"], "园区级别为市级", id="municipal-park"),
        pytest.param(changed(level=None), ["level"], "未填写园区级别", id="level-missing"),
        pytest.param(
            ParkFacts(),
            ["manufacturing_and_energy", "legal_boundary", "management_body", "industrial_share", "level"],
            "缺少数据",
            id="everything-missing-one-finding-each",
        ),
    ],
)
def test_p1_park_conditions(park: ParkFacts, conditions: list[str], fragment: str) -> None:
    findings = p1_park_conditions(BATCH, park_app(park))
    assert [f.evidence["condition"] for f in findings] == conditions
    assert all(f.rule == "P1" and f.effect is Effect.EXCLUDE for f in findings)
    if fragment:
        assert fragment in findings[0].message


def test_p1_share_at_the_minimum_passes_when_the_batch_is_not_strict() -> None:
    lenient = dataclasses.replace(BATCH, park_share_strict=False)
    application = park_app(changed(industrial_share=Decimal("50")))
    assert [f.rule for f in p1_park_conditions(BATCH, application)] == ["P1"]
    assert p1_park_conditions(lenient, application) == []


def test_p1_applies_to_parks_only() -> None:
    assert p1_park_conditions(BATCH, park_app(ParkFacts(), category=Category.FACTORY)) == []


def provincial_park_entry(status: ListStatus = ListStatus.ACTIVE) -> ListEntry:
    return ListEntry(
        "11130100MB0000001C", "某某经济开发区", Category.PARK, ListLevel.PROVINCIAL, "沧州市", 2022, status
    )


@pytest.mark.parametrize(
    ("park", "entries", "flags"),
    [
        pytest.param(GOOD, [], [], id="no-priority"),
        pytest.param(changed(low_carbon_pilot=True), [], ["low_carbon_pilot"], id="low-carbon-pilot"),
        pytest.param(changed(high_tech_zone=True), [], ["high_tech_zone"], id="high-tech-zone"),
        pytest.param(GOOD, [provincial_park_entry()], ["provincial_list"], id="on-provincial-list"),
        pytest.param(
            GOOD, [provincial_park_entry(ListStatus.REVOKED)], [], id="revoked-from-provincial-list"
        ),
        pytest.param(
            changed(low_carbon_pilot=True, high_tech_zone=True),
            [provincial_park_entry()],
            ["low_carbon_pilot", "high_tech_zone", "provincial_list"],
            id="all-flags",
        ),
    ],
)
def test_p2_park_priority(park: ParkFacts, entries: list[ListEntry], flags: list[str]) -> None:
    findings = p2_park_priority(BATCH, park_app(park), entries)
    assert [f.evidence["flag"] for f in findings] == flags
    assert all(f.rule == "P2" and f.effect is Effect.PRIORITY for f in findings)


def test_park_rank_key_puts_listed_parks_then_more_green_factories_first() -> None:
    few = park_app(changed(green_factories_inside=2), uscc="A")
    many = park_app(changed(green_factories_inside=9), uscc="B")
    unknown = park_app(changed(green_factories_inside=None), uscc="C")
    listed_few = park_app(changed(green_factories_inside=1), uscc="D")
    listed = {"D"}
    ranked = sorted([few, unknown, listed_few, many], key=lambda a: park_rank_key(a, listed=a.uscc in listed))
    assert [a.uscc for a in ranked] == ["D", "B", "A", "C"]
