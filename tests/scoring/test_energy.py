"""Energy-efficiency levels (rule F3) in the ``greenlist energy-level`` contract shape."""

from __future__ import annotations

from decimal import Decimal

import pytest

from greenlist.rules.facts import EnergyLevel
from greenlist.scoring.energy import EnergyLevelError, energy_level_contract, find_level, parse_value


@pytest.mark.parametrize(
    ("product", "value", "level"),
    [
        # 水泥熟料: 标杆 100, 基准 117 kgce/t.
        pytest.param("水泥熟料", "99", "标杆", id="clinker-better-than-benchmark"),
        pytest.param("水泥熟料", "100", "标杆", id="clinker-at-benchmark"),
        pytest.param("水泥熟料", "100.01", "基准", id="clinker-just-above-benchmark"),
        pytest.param("水泥熟料", "116.99", "基准", id="clinker-just-below-baseline"),
        pytest.param("水泥熟料", "117", "基准", id="clinker-at-baseline"),
        pytest.param("水泥熟料", "117.01", "未达基准", id="clinker-just-above-baseline"),
        # 高炉工序: 标杆 361, 基准 435.
        pytest.param("高炉工序", "360", "标杆", id="blast-furnace-better-than-benchmark"),
        pytest.param("高炉工序", "361", "标杆", id="blast-furnace-at-benchmark"),
        pytest.param("高炉工序", "362", "基准", id="blast-furnace-above-benchmark"),
        pytest.param("高炉工序", "434", "基准", id="blast-furnace-below-baseline"),
        pytest.param("高炉工序", "435", "基准", id="blast-furnace-at-baseline"),
        pytest.param("高炉工序", "436", "未达基准", id="blast-furnace-above-baseline"),
        # 转炉工序: 标杆 −30, 基准 −10 (negative: net energy recovery; lower is still better).
        pytest.param("转炉工序", "-31", "标杆", id="converter-more-negative-than-benchmark"),
        pytest.param("转炉工序", "-30", "标杆", id="converter-at-benchmark"),
        pytest.param("转炉工序", "-29.99", "基准", id="converter-just-above-benchmark"),
        pytest.param("转炉工序", "-10.01", "基准", id="converter-just-below-baseline"),
        pytest.param("转炉工序", "-10", "基准", id="converter-at-baseline"),
        pytest.param("转炉工序", "-9.99", "未达基准", id="converter-just-above-baseline"),
        pytest.param("转炉工序", "0", "未达基准", id="converter-zero"),
        pytest.param("转炉工序", "30", "未达基准", id="converter-positive"),
        # 捣固焦炉: 标杆 110, 基准 140.
        pytest.param("捣固焦炉", "109", "标杆", id="coke-oven-better-than-benchmark"),
        pytest.param("捣固焦炉", "110", "标杆", id="coke-oven-at-benchmark"),
        pytest.param("捣固焦炉", "111", "基准", id="coke-oven-above-benchmark"),
        pytest.param("捣固焦炉", "139", "基准", id="coke-oven-below-baseline"),
        pytest.param("捣固焦炉", "140", "基准", id="coke-oven-at-baseline"),
        pytest.param("捣固焦炉", "141", "未达基准", id="coke-oven-above-baseline"),
    ],
)
def test_levels_at_and_around_each_boundary(product: str, value: str, level: str) -> None:
    assert energy_level_contract(product, value)["level"] == level


def test_the_contract_shape() -> None:
    assert energy_level_contract("转炉工序", "-30") == {
        "product": "转炉工序",
        "value": -30,
        "unit": "kgce/t",
        "level": "标杆",
        "benchmark": -30,
        "baseline": -10,
    }
    assert energy_level_contract("水泥熟料", "99.5")["value"] == 99.5


def test_detail_adds_the_source_and_confidence() -> None:
    detail = energy_level_contract("水泥熟料", "100", detail=True)
    assert (detail["confidence"], detail["lower_is_better"], detail["key_industry"]) == ("C", True, True)
    assert "723号" in detail["source"]


def test_a_quota_product_has_no_benchmark() -> None:
    # Non-key industries: grade 1 (先进值) is their target (F3), not a 标杆; grade 3 is the baseline.
    result = energy_level_contract("水泥", "80", detail=True)
    assert (result["benchmark"], result["baseline"], result["grade1"], result["level"]) == (
        None,
        94,
        80,
        "基准",
    )
    assert energy_level_contract("水泥", "95")["level"] == "未达基准"


@pytest.mark.parametrize(
    "name", ["水泥 熟料", " 水泥熟料 ", "水泥\u3000熟料"], ids=["space", "padded", "ideographic-space"]
)
def test_whitespace_in_the_product_name_is_ignored(name: str) -> None:
    assert find_level(name).product == "水泥熟料"


def test_an_unknown_product_lists_the_known_ones() -> None:
    with pytest.raises(
        EnergyLevelError, match="能效参考表中没有产品“熟料”，可选：水泥熟料、高炉工序、转炉工序、捣固焦炉"
    ):
        energy_level_contract("熟料", "100")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("-30", Decimal(-30), id="negative"),
        pytest.param("−30", Decimal(-30), id="unicode-minus"),
        pytest.param("１１７", Decimal(117), id="full-width"),
        pytest.param(" 99.5 ", Decimal("99.5"), id="padded"),
    ],
)
def test_values_are_read_as_people_type_them(text: str, expected: Decimal) -> None:
    assert parse_value(text) == expected


@pytest.mark.parametrize(
    "text", ["abc", "", "NaN", "Infinity", "1,000"], ids=["letters", "empty", "nan", "infinity", "comma"]
)
def test_a_value_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(EnergyLevelError, match="单位产品能耗应为"):
        energy_level_contract("水泥熟料", text)


def test_a_higher_is_better_row_is_read_the_other_way() -> None:
    levels = {
        "熟料余热发电": EnergyLevel("熟料余热发电", "kWh/t", Decimal(40), Decimal(30), lower_is_better=False)
    }
    assert [energy_level_contract("熟料余热发电", v, levels)["level"] for v in ("41", "40", "30", "29")] == [
        "标杆",
        "标杆",
        "基准",
        "未达基准",
    ]
