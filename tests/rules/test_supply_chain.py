"""S1–S2 (二、具体要求（三）绿色供应链管理企业)."""

from __future__ import annotations

import dataclasses

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.facts import Application, ListEntry, SupplyChainFacts
from greenlist.rules.supply_chain import s1_green_factory, s2_supply_chain_priority, supply_chain_rank_key
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus, Method

BATCH = load_batch("hebei", "2024")
USCC = "91130600MA0A00001M"


def sc_app(industry: str = "食品制造", uscc: str = USCC, **kw: object) -> Application:
    return Application(
        uscc=uscc,
        name="保定某某汽车有限公司",
        category=Category.SUPPLY_CHAIN,
        unit="保定市",
        method=Method.SELF,
        industry=industry,
        supply_chain=SupplyChainFacts(**kw),  # type: ignore[arg-type]
    )


def entry(
    category: Category, level: ListLevel = ListLevel.PROVINCIAL, status: ListStatus = ListStatus.ACTIVE
) -> ListEntry:
    return ListEntry(USCC, "保定某某汽车有限公司", category, level, "保定市", 2022, status)


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param([], ["S1"], id="not-a-green-factory"),
        pytest.param([entry(Category.FACTORY)], [], id="provincial-green-factory"),
        pytest.param([entry(Category.FACTORY, ListLevel.NATIONAL)], [], id="national-green-factory"),
        pytest.param(
            [entry(Category.FACTORY, status=ListStatus.REVOKED)], ["S1"], id="revoked-green-factory"
        ),
        pytest.param([entry(Category.SUPPLY_CHAIN)], ["S1"], id="supply-chain-entry-is-not-a-factory"),
    ],
)
def test_s1_green_factory(entries: list[ListEntry], expected: list[str]) -> None:
    findings = s1_green_factory(BATCH, sc_app(), entries)
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.WARN and "原则上应为省级及以上绿色工厂" in f.message for f in findings)


def test_s_rules_apply_to_supply_chain_applicants_only() -> None:
    factory = dataclasses.replace(
        sc_app("汽车制造", producer_responsibility_pilot=True), category=Category.FACTORY
    )
    assert s1_green_factory(BATCH, factory, []) == []
    assert s2_supply_chain_priority(BATCH, factory, []) == []


@pytest.mark.parametrize(
    ("application", "entries", "flags"),
    [
        pytest.param(sc_app(), [], [], id="no-priority"),
        pytest.param(sc_app("汽车零部件制造"), [], ["industry"], id="automotive-industry"),
        pytest.param(sc_app("通信设备制造"), [], ["industry"], id="communications-industry"),
        pytest.param(
            sc_app(producer_responsibility_pilot=True), [], ["producer_responsibility_pilot"], id="pilot"
        ),
        pytest.param(sc_app(), [entry(Category.SUPPLY_CHAIN)], ["provincial_list"], id="on-provincial-list"),
        pytest.param(sc_app(green_factory_suppliers=10), [], ["leading_firm"], id="ten-green-suppliers"),
        pytest.param(sc_app(green_factory_suppliers=9), [], [], id="nine-green-suppliers"),
        pytest.param(
            sc_app("汽车制造", producer_responsibility_pilot=True, green_factory_suppliers=30),
            [entry(Category.SUPPLY_CHAIN)],
            ["industry", "producer_responsibility_pilot", "provincial_list", "leading_firm"],
            id="every-reason",
        ),
    ],
)
def test_s2_supply_chain_priority(
    application: Application, entries: list[ListEntry], flags: list[str]
) -> None:
    findings = s2_supply_chain_priority(BATCH, application, entries)
    assert [f.evidence["flag"] for f in findings] == flags
    assert all(f.rule == "S2" and f.effect is Effect.PRIORITY for f in findings)


def test_s2_leading_firm_threshold_comes_from_the_batch() -> None:
    application = sc_app(green_factory_suppliers=6)
    assert s2_supply_chain_priority(BATCH, application, []) == []
    lower = dataclasses.replace(BATCH, supply_chain_leading_suppliers=5)
    [finding] = s2_supply_chain_priority(lower, application, [])
    assert "供应商中有绿色工厂6家（不少于5家；" in finding.message
    assert "省厅" in finding.message  # the number is the province's choice, not the notice's


def test_supply_chain_rank_key_orders_by_reasons_then_suppliers() -> None:
    plain = sc_app(uscc="A", green_factory_suppliers=8)
    auto = sc_app("汽车制造", uscc="B", green_factory_suppliers=3)
    auto_more = sc_app("汽车制造", uscc="C", green_factory_suppliers=4)
    auto_pilot = sc_app("汽车制造", uscc="D", green_factory_suppliers=1, producer_responsibility_pilot=True)
    ranked = sorted(
        [plain, auto, auto_more, auto_pilot],
        key=lambda a: supply_chain_rank_key(a, s2_supply_chain_priority(BATCH, a, [])),
    )
    assert [a.uscc for a in ranked] == ["D", "C", "B", "A"]
