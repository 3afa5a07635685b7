"""F1–F3 (二、具体要求（一）绿色工厂): provincial list, evaluation standard, energy priority."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.factory import (
    energy_level,
    expected_standard,
    f1_provincial_green_factory,
    f2_evaluation_standard,
    f3_energy_priority,
)
from greenlist.rules.facts import Application, EnergyLevel, ListEntry
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus, Method

BATCH = load_batch("hebei", "2024")
USCC = "91130100MA0D12345B"


def app(category: Category = Category.FACTORY, **kw: object) -> Application:
    fields: dict[str, object] = {
        "uscc": USCC,
        "name": "河北某某钢铁有限公司",
        "category": category,
        "unit": "石家庄市",
        "method": Method.SELF,
    }
    fields.update(kw)
    return Application(**fields)  # type: ignore[arg-type]


def entry(
    level: ListLevel = ListLevel.PROVINCIAL,
    status: ListStatus = ListStatus.ACTIVE,
    unit: str = "石家庄市",
    category: Category = Category.FACTORY,
    revoked_on: dt.date | None = None,
) -> ListEntry:
    return ListEntry(USCC, "河北某某钢铁有限公司", category, level, unit, 2021, status, revoked_on)


REVOKED = entry(status=ListStatus.REVOKED, revoked_on=dt.date(2023, 5, 6))


@pytest.mark.parametrize(
    ("entries", "expected", "fragment"),
    [
        pytest.param([entry()], [], "", id="active-provincial-factory-of-own-unit"),
        pytest.param([], ["F1"], "不在石家庄市有效的省级绿色工厂名单中", id="not-on-the-list"),
        pytest.param([REVOKED], ["F1"], "已撤销（撤销日期：2023-05-06）", id="revoked"),
        pytest.param([entry(unit="唐山市")], ["F1"], "是唐山市的省级绿色工厂", id="another-units-list"),
        pytest.param(
            [entry(category=Category.PARK)], ["F1"], "不在石家庄市", id="provincial-park-is-not-a-factory"
        ),
        pytest.param([entry(ListLevel.NATIONAL)], ["F1"], "已是国家级绿色工厂", id="already-national"),
        pytest.param(
            [entry(), entry(ListLevel.NATIONAL)], ["F1"], "已是国家级绿色工厂", id="national-and-provincial"
        ),
        pytest.param(
            [entry(ListLevel.NATIONAL, ListStatus.REVOKED), entry()],
            [],
            "",
            id="revoked-national-active-provincial",
        ),
        pytest.param([REVOKED, entry()], [], "", id="old-entry-revoked-new-one-active"),
    ],
)
def test_f1_provincial_green_factory(entries: list[ListEntry], expected: list[str], fragment: str) -> None:
    findings = f1_provincial_green_factory(BATCH, app(), entries)
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.EXCLUDE for f in findings)
    if fragment:
        assert fragment in findings[0].message


@pytest.mark.parametrize("category", [Category.PARK, Category.SUPPLY_CHAIN])
def test_f_rules_do_not_apply_to_other_categories(category: Category) -> None:
    level = EnergyLevel("粗钢", "kgce/t", Decimal("435"), Decimal("465"))
    application = app(
        category, industry="机械", standard_used="GB/T 36132-2018", product="粗钢", unit_energy=Decimal(1)
    )
    assert f1_provincial_green_factory(BATCH, application, []) == []
    assert f2_evaluation_standard(BATCH, application) == []
    assert f3_energy_priority(BATCH, application, {"粗钢": level}) == []


@pytest.mark.parametrize(
    ("industry", "expected"),
    [
        pytest.param("通用机械制造", "JB/T 14407-2023 机械行业绿色工厂评价导则", id="industry-with-standard"),
        pytest.param("钢铁", "钢铁行业绿色工厂评价导则", id="exact-key"),
        pytest.param("食品制造", "GB/T 36132-2018", id="no-industry-standard"),
        pytest.param("", "GB/T 36132-2018", id="industry-unknown"),
    ],
)
def test_expected_standard(industry: str, expected: str) -> None:
    assert expected_standard(BATCH, industry) == expected


@pytest.mark.parametrize(
    ("industry", "used", "expected"),
    [
        pytest.param("通用机械制造", "GB/T 36132-2018", ["F2"], id="industry-standard-exists-general-used"),
        pytest.param(
            "通用机械制造", "JB/T 14407-2023 机械行业绿色工厂评价导则", [], id="industry-standard-used"
        ),
        pytest.param("通用机械制造", "JB/T14407-2023", [], id="industry-standard-by-code-no-space"),
        pytest.param("通用机械制造", "", [], id="standard-not-stated"),
        pytest.param("食品制造", "GB/T 36132-2018", [], id="no-industry-standard-general-used"),
        pytest.param("食品制造", "某团体标准", [], id="no-industry-standard-other-used"),
    ],
)
def test_f2_evaluation_standard(industry: str, used: str, expected: list[str]) -> None:
    findings = f2_evaluation_standard(BATCH, app(industry=industry, standard_used=used))
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.WARN for f in findings)


def test_f2_message_names_both_standards() -> None:
    [finding] = f2_evaluation_standard(BATCH, app(industry="机械", standard_used="GB/T 36132-2018"))
    assert "JB/T 14407-2023" in finding.message
    assert "GB/T 36132-2018" in finding.message
    assert finding.evidence["expected_standard"] == "JB/T 14407-2023 机械行业绿色工厂评价导则"


STEEL = EnergyLevel("粗钢", "kgce/t", benchmark=Decimal("435"), baseline=Decimal("465"))
YIELD = EnergyLevel("产率", "%", benchmark=Decimal("90"), baseline=Decimal("80"), lower_is_better=False)


@pytest.mark.parametrize(
    ("level", "value", "expected"),
    [
        pytest.param(STEEL, "430", "标杆", id="lower-better-below-benchmark"),
        pytest.param(STEEL, "435", "标杆", id="lower-better-at-benchmark"),
        pytest.param(STEEL, "435.1", "基准", id="lower-better-just-above-benchmark"),
        pytest.param(STEEL, "465", "基准", id="lower-better-at-baseline"),
        pytest.param(STEEL, "465.1", "未达基准", id="lower-better-above-baseline"),
        pytest.param(YIELD, "90", "标杆", id="higher-better-at-benchmark"),
        pytest.param(YIELD, "85", "基准", id="higher-better-between"),
        pytest.param(YIELD, "79.9", "未达基准", id="higher-better-below-baseline"),
        pytest.param(EnergyLevel("x", "t", None, None), "1", "未达基准", id="no-reference-values"),
    ],
)
def test_energy_level(level: EnergyLevel, value: str, expected: str) -> None:
    assert energy_level(level, Decimal(value)) == expected


CEMENT = EnergyLevel("水泥熟料", "kgce/t", benchmark=Decimal("100"), baseline=Decimal("117"))
GLASS = EnergyLevel(
    "日用玻璃", "kgce/t", benchmark=None, baseline=None, grade1=Decimal("250"), key_industry=False
)
LEVELS = {"粗钢": STEEL, "水泥熟料": CEMENT, "日用玻璃": GLASS, "产率": YIELD}


@pytest.mark.parametrize(
    ("product", "value", "expected"),
    [
        pytest.param("粗钢", "435", ["F3"], id="key-industry-at-benchmark"),
        pytest.param("粗钢", "436", [], id="key-industry-above-benchmark"),
        pytest.param(" 水泥 熟料 ", "99", ["F3"], id="product-name-with-spaces"),
        pytest.param("日用玻璃", "250", ["F3"], id="other-industry-at-grade1"),
        pytest.param("日用玻璃", "251", [], id="other-industry-above-grade1"),
        pytest.param("产率", "91", ["F3"], id="higher-is-better"),
        pytest.param("产率", "89", [], id="higher-is-better-short"),
        pytest.param("未知产品", "1", [], id="unknown-product"),
        pytest.param("粗钢", None, [], id="no-energy-value"),
    ],
)
def test_f3_energy_priority(product: str, value: str | None, expected: list[str]) -> None:
    application = app(product=product, unit_energy=Decimal(value) if value else None)
    findings = f3_energy_priority(BATCH, application, LEVELS)
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.PRIORITY for f in findings)


def test_f3_message_names_the_level_and_the_values() -> None:
    [finding] = f3_energy_priority(BATCH, app(product="粗钢", unit_energy=Decimal("420")), LEVELS)
    assert "达到能效标杆水平" in finding.message
    assert "420" in finding.message
    assert "435" in finding.message


# A product with both a benchmark (标杆) and a quota grade 1 (先进值): the applicant's industry
# decides which of the two F3 holds it to.
BOTH = EnergyLevel(
    "某产品", "kgce/t", benchmark=Decimal("100"), baseline=Decimal("130"), grade1=Decimal("120")
)


@pytest.mark.parametrize(
    ("industry", "value", "expected"),
    [
        pytest.param("31", "110", [], id="key-industry-between-benchmark-and-grade1"),
        pytest.param("黑色金属冶炼和压延加工业", "95", ["F3"], id="key-industry-at-benchmark"),
        pytest.param("14", "110", ["F3"], id="other-industry-at-grade1"),
        pytest.param("食品制造业", "125", [], id="other-industry-above-grade1"),
    ],
)
def test_f3_key_industry_comes_from_the_applicants_industry_code(
    industry: str, value: str, expected: list[str]
) -> None:
    application = app(industry=industry, product="某产品", unit_energy=Decimal(value))
    assert [f.rule for f in f3_energy_priority(BATCH, application, {"某产品": BOTH})] == expected
