"""XC2 (self-evaluation against last year's dynamic filing) and XC3 (against the register): table
cases on the pure functions, with the shipped form and mapping files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from greenlist.rules.batch import DATA_DIR
from greenlist.rules.catalogue import CROSS_CHECK_RULES
from greenlist.rules.cross_checks import CLAUSES, FiledTable, load_map, xc2_filing, xc3_register
from greenlist.rules.facts import ListEntry
from greenlist.rules.filing import load_form
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus

FORM = load_form("dynamic-form-v1", DATA_DIR)
LINKS = load_map()
SYSTEM = "gbt36132-2025"


def filed(**values: str) -> FiledTable:
    return FiledTable(2025, FORM, values)


def own(indicator: str, value: str, unit: str) -> dict[str, Any]:
    return {indicator: {"value": value, "unit": unit}}


@pytest.mark.parametrize(
    ("indicators", "table", "expected"),
    [
        # energy intensity: threshold relative 5 %; 0.30 against 0.40 filed is 25 % apart
        (
            own("EN1", "0.30", "tce/万元"),
            filed(energy_intensity="0.40"),
            ["低于2025年度动态管理表", "相差25.0%"],
        ),
        (own("EN1", "0.50", "吨标准煤/万元"), filed(energy_intensity="0.40"), ["高于2025年度动态管理表"]),
        (own("EN1", "0.41", "tce/万元"), filed(energy_intensity="0.40"), []),  # 2.5 %: within
        (own("EN1", "0.30", "tce/t"), filed(energy_intensity="0.40"), []),  # per product: not comparable
        (own("EN1", "0.30", "tce/万元"), filed(energy_intensity="0"), []),  # relative to zero: no measure
        (own("EN1", "0.30", "tce/万元"), filed(), []),  # not filed
        (own("EN1", "", "tce/万元"), filed(energy_intensity="0.40"), []),  # not self-reported
        # renewable share: threshold absolute 5 points
        (own("EN3", "30", "%"), filed(renewable_share="12"), ["相差18，超过该项提示阈值5"]),
        (own("EN3", "15", "%"), filed(renewable_share="12"), []),
        (own("RE3", "80%", ""), filed(water_reuse="95"), ["水重复利用率"]),
        (own("CL2", "30", "%"), filed(retrofit_investment="12"), []),  # no mapping for CL2
    ],
)
def test_xc2_flags_a_self_reported_value_far_from_the_filed_one(
    indicators: dict[str, Any], table: FiledTable, expected: list[str]
) -> None:
    found = xc2_filing(SYSTEM, indicators, table, LINKS)
    assert len(found) == (1 if expected else 0)
    for finding in found:
        assert (finding.rule, finding.clause, finding.effect.value) == ("XC2", CLAUSES["XC2"], "warn")
        for text in expected:
            assert text in finding.message


def test_xc2_needs_a_filing_and_a_mapped_system() -> None:
    values = own("EN1", "0.30", "tce/万元")
    assert xc2_filing(SYSTEM, values, None, LINKS) == []
    assert xc2_filing("gbt36132-2018", values, filed(energy_intensity="0.40"), LINKS) == []
    assert LINKS.confidence == "C"  # the mapping is the province's own: shown as 待核实


def entry(level: str, status: str = "active", name: str = "甲公司", category: str = "factory") -> ListEntry:
    return ListEntry(
        uscc="91130100000000000X",
        name=name,
        category=Category(category),
        level=ListLevel(level),
        unit="石家庄市",
        year=2022,
        status=ListStatus(status),
        revoked_on=dt.date(2024, 5, 6) if status == "revoked" else None,
    )


@pytest.mark.parametrize(
    ("name", "required", "entries", "former", "expected"),
    [
        ("甲公司", "provincial", [entry("provincial")], (), []),
        ("甲公司", "provincial", [entry("provincial", "revoked")], (), ["已撤销（2024-05-06）"]),
        ("甲公司", "provincial", [], (), ["名录中没有该单位"]),
        ("甲公司", "provincial", [entry("municipal")], (), ["须为有效的省级绿色工厂"]),
        ("甲公司", "provincial", [entry("provincial", category="park")], (), ["名录中没有该单位"]),
        ("甲公司", None, [], (), []),  # no listing required, nothing listed: nothing to contradict
        ("甲公司", None, [entry("municipal", "revoked")], (), ["市级绿色工厂已撤销"]),
        ("乙公司", "provincial", [entry("provincial")], (), ["与名录记载的名称“甲公司”不一致"]),
        ("乙公司", "provincial", [entry("provincial")], ("乙公司",), []),  # a former name
        ("甲 公司", "provincial", [entry("provincial")], (), []),  # spacing folded
    ],
)
def test_xc3_flags_what_the_register_contradicts(
    name: str, required: str | None, entries: list[ListEntry], former: tuple[str, ...], expected: list[str]
) -> None:
    found = xc3_register(name, Category.FACTORY, required, entries, former)
    assert len(found) == len(expected)
    for finding, text in zip(found, expected, strict=True):
        assert (finding.rule, finding.clause) == ("XC3", CLAUSES["XC3"])
        assert text in finding.message


def test_the_cross_checks_are_in_the_catalogue() -> None:
    assert [spec.id for spec in CROSS_CHECK_RULES] == ["XC1", "XC2", "XC3"]
