"""Scoring (GB/T 36132-2025 §5, §6): linear between 基准值 and 引领值, qualitative, areas, the veto."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from greenlist.scoring.score import (
    IndicatorInput,
    ScoreInputError,
    linear_score,
    qualitative_score,
    ratio_score,
    score,
    score_indicator,
)
from greenlist.scoring.systems import Indicator, Kind, Marked, find_system

D = Decimal
V2025 = find_system("GB/T 36132-2025")
V2018 = find_system("GB/T 36132-2018")
PARK = find_system("park-2016")
SUPPLY = find_system("supply-chain-generic")


# Forward (higher is better): 基准值 50, 引领值 90, 8 points.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("120", "8", id="beyond-leading"),
        pytest.param("90", "8", id="at-leading"),
        pytest.param("89", "7.8", id="just-below-leading"),
        pytest.param("70", "4", id="midway"),
        pytest.param("60", "2", id="quarter-way"),
        pytest.param("50.5", "0.1", id="just-above-baseline"),
        pytest.param("50", "0", id="at-baseline"),
        pytest.param("10", "0", id="below-baseline"),
    ],
)
def test_forward_linear(value: str, expected: str) -> None:
    assert linear_score("forward", D(value), D(90), D(50), D(8)) == D(expected)


# Inverse (lower is better): 引领值 0.90, 基准值 1.20, 8 points.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("0.5", "8", id="beyond-leading"),
        pytest.param("0.90", "8", id="at-leading"),
        pytest.param("0.975", "6", id="quarter-way-from-leading"),
        pytest.param("1.05", "4", id="midway"),
        pytest.param("1.17", "0.8", id="near-baseline"),
        pytest.param("1.20", "0", id="at-baseline"),
        pytest.param("1.5", "0", id="beyond-baseline"),
    ],
)
def test_inverse_linear(value: str, expected: str) -> None:
    assert linear_score("inverse", D(value), D("0.90"), D("1.20"), D(8)) == D(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("-35", "6", id="beyond-leading"),
        pytest.param("-30", "6", id="at-leading"),
        pytest.param("-20", "3", id="midway"),
        pytest.param("-10", "0", id="at-baseline"),
        pytest.param("0", "0", id="beyond-baseline"),
    ],
)
def test_inverse_linear_with_negative_values(value: str, expected: str) -> None:
    # 转炉工序-like: −30 (net recovery) leads, −10 is the baseline.
    assert linear_score("inverse", D(value), D(-30), D(-10), D(6)) == D(expected)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        pytest.param("forward", "80", "8", id="forward-at"),
        pytest.param("forward", "81", "8", id="forward-beyond"),
        pytest.param("forward", "79.99", "0", id="forward-short"),
        pytest.param("inverse", "80", "8", id="inverse-at"),
        pytest.param("inverse", "79", "8", id="inverse-beyond"),
        pytest.param("inverse", "80.01", "0", id="inverse-short"),
    ],
)
def test_leading_equal_to_baseline_is_a_step(kind: Kind, value: str, expected: str) -> None:
    assert linear_score(kind, D(value), D(80), D(80), D(8)) == D(expected)


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        pytest.param("0", "0", id="not-met"),
        pytest.param("0.5", "3", id="half"),
        pytest.param("1", "6", id="met"),
    ],
)
def test_qualitative_is_the_reviewers_fraction(fraction: str, expected: str) -> None:
    assert qualitative_score(D(fraction), D(6)) == D(expected)


@pytest.mark.parametrize("fraction", ["-0.1", "1.01"], ids=["negative", "above-one"])
def test_qualitative_fraction_must_be_between_0_and_1(fraction: str) -> None:
    with pytest.raises(ScoreInputError, match="0–1之间"):
        qualitative_score(D(fraction), D(6))


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        pytest.param("forward", "50", "2.5", id="forward-half"),
        pytest.param("forward", "150", "5", id="forward-capped"),
        pytest.param("forward", "-1", "0", id="forward-non-positive"),
        pytest.param("inverse", "200", "2.5", id="inverse-half"),
        pytest.param("inverse", "50", "5", id="inverse-capped"),
    ],
)
def test_park_ratio_method(kind: Kind, value: str, expected: str) -> None:
    assert ratio_score(kind, D(value), D(100), D(5)) == D(expected)


def energy(value: str, leading: str = "0.90", baseline: str = "1.20") -> IndicatorInput:
    return IndicatorInput(D(value), leading=D(leading), baseline=D(baseline))


@pytest.mark.parametrize(
    ("entered", "explanation"),
    [
        pytest.param(
            energy("0.85"), "实际值 0.85 优于引领值 0.9（逆向，越低越好）→ 满分 8", id="better-than-leading"
        ),
        pytest.param(energy("0.90"), "实际值 0.9 达到引领值 0.9（逆向，越低越好）→ 满分 8", id="at-leading"),
        pytest.param(
            energy("1.05"),
            "实际值 1.05 介于基准值 1.2 与引领值 0.9 之间（逆向，越低越好），线性计分 8×(1.2−1.05)÷(1.2−0.9) = 4",
            id="between",
        ),
        pytest.param(energy("1.20"), "实际值 1.2 等于基准值 1.2（逆向，越低越好）→ 0分", id="at-baseline"),
        pytest.param(
            energy("1.30"), "实际值 1.3 未达基准值 1.2（逆向，越低越好）→ 0分", id="short-of-baseline"
        ),
        pytest.param(IndicatorInput(None), "未填报 → 0分", id="not-entered"),
        pytest.param(
            IndicatorInput(D("0.85")),
            "实际值 0.85，缺少引领值和基准值（行业值须由申报提供），无法计分 → 暂计0分",
            id="no-industry-values",
        ),
    ],
)
def test_each_indicator_explains_its_score(entered: IndicatorInput, explanation: str) -> None:
    indicator = V2025.indicator("能源消耗强度")
    assert indicator is not None
    assert score_indicator(indicator, entered).explanation == explanation


def test_an_input_overriding_a_fixed_value_is_shown() -> None:
    platform = V2025.indicator("EN4")
    assert platform is not None
    result = score_indicator(platform, IndicatorInput(D(6), leading=D(12)))
    assert result.score == D("3.00")
    assert result.explanation.endswith("（引领值取自输入（体系值 8））")


def test_an_input_contradicting_the_direction_is_refused() -> None:
    indicator = V2025.indicator("可再生能源利用率")
    assert indicator is not None
    with pytest.raises(ScoreInputError, match="方向为 inverse，与体系规定的 forward 不一致"):
        score_indicator(indicator, IndicatorInput(D(1), leading=D(2), baseline=D(3), kind="inverse"))
    with pytest.raises(ScoreInputError, match="正向指标，引领值 10 不应低于基准值 20"):
        score_indicator(indicator, IndicatorInput(D(15), leading=D(10), baseline=D(20)))


def full_2025() -> dict[str, IndicatorInput]:
    """Every 2025 indicator at its 引领值 (qualitative: met)."""
    inputs: dict[str, IndicatorInput] = {}
    for indicator in V2025.indicators:
        if indicator.kind == "qualitative":
            inputs[indicator.id] = IndicatorInput(D(1))
        elif indicator.leading is not None:
            inputs[indicator.id] = IndicatorInput(indicator.leading)
        else:
            inputs[indicator.id] = IndicatorInput(
                D(10), leading=D(10), baseline=D(5) if indicator.kind == "forward" else D(20)
            )
    return inputs


def test_full_marks_give_100_with_the_annex_c_subtotals() -> None:
    result = score(V2025, full_2025(), True)
    assert result.total == D(100)
    assert result.subtotals() == {
        "能源低碳化": 30,
        "资源高效化": 30,
        "生产洁净化": 16,
        "产品绿色化": 16,
        "用地集约化": 8,
    }
    # GB/T 36132-2025 §6 names no pass mark: full marks alone are not called green.
    assert result.green is None
    assert result.standard == "GB/T 36132-2025"
    assert result.verdict == (
        "基本要求符合，总分 100；所依据的评价体系未规定合格分，得分只作比较，不据此判定是否达到绿色工厂要求"
    )


@pytest.mark.parametrize(
    "basic",
    [False, {"BR1": True, "BR2": False, "BR3": True}, {"BR1": True, "BR2": True}],
    ids=["whole-gate-failed", "one-item-failed", "one-item-unconfirmed"],
)
def test_the_basic_requirements_veto_whatever_the_score(basic: bool | dict[str, bool | None]) -> None:
    result = score(V2025, full_2025(), basic)
    assert (result.total, result.basic_requirements_met, result.green) == (D(100), False, False)
    assert result.verdict.startswith("基本要求不符合（一票否决）")
    assert "总分 100 不改变结论" in result.verdict


def test_the_failed_requirement_is_named() -> None:
    result = score(V2025, full_2025(), {"BR1": True, "BR2": False, "BR3": None})
    assert result.failed_requirements == (
        "BR2 明确绿色制造管理职责，制定中长期绿色低碳发展规划和年度量化目标：不符合",
        "BR3 按 GB/T 19001、GB/T 24001、GB/T 23331、GB/T 45001（或适用的行业标准）建立、实施并保持质量、环境、能源和职业健康安全管理体系：未确认",
    )


def test_an_unknown_basic_requirement_is_refused() -> None:
    with pytest.raises(ScoreInputError, match="没有基本要求 BR9"):
        score(V2025, {}, {"BR9": True})


@pytest.mark.parametrize(
    ("fraction", "total", "green"),
    [
        pytest.param("0", "0", False, id="nothing"),
        pytest.param("0.58", "58", False, id="below-pass-mark"),
        pytest.param("0.6", "60", True, id="at-pass-mark"),
    ],
)
def test_green_needs_the_total_at_or_above_a_sourced_pass_mark(
    fraction: str, total: str, green: bool
) -> None:
    inputs = {i.id: IndicatorInput(D(fraction)) for i in SUPPLY.indicators if not i.quantitative}
    inputs |= {
        i.id: IndicatorInput(D(fraction) * 100, leading=D(100), baseline=D(0))
        for i in SUPPLY.indicators
        if i.quantitative
    }
    # A system whose source names a pass mark (here a made-up one marked B for the test).
    sourced = dataclasses.replace(SUPPLY, pass_mark=Marked(D(60), "B", "示例来源"))
    result = score(sourced, inputs, True)
    assert (result.total, result.green) == (D(total), green)
    assert ("未达到" in result.verdict) is not green
    # The shipped system names none: the same score decides nothing.
    unsourced = score(SUPPLY, inputs, True)
    assert (unsourced.total, unsourced.green) == (D(total), None)
    assert "合格" not in unsourced.verdict.replace("未规定合格分", "")


def test_area_subtotals_are_the_share_of_points_times_the_weight() -> None:
    inputs = {
        "EN1": energy("1.05"),  # 4 of 8
        "EN4": IndicatorInput(D(8)),  # 6 of 6
        "CL1": IndicatorInput(D("0.5")),  # 3 of 6
    }
    result = score(V2025, inputs, True)
    assert result.subtotals()["能源低碳化"] == D(10)
    assert result.subtotals()["生产洁净化"] == D(3)
    assert result.total == D(13)
    missing = [i.name for i in result.indicators if i.status == "missing"]
    assert len(missing) == 11 and "碳排放强度" in missing


def test_other_weights_rescale_the_areas() -> None:
    weights = {"能源低碳化": 60, "资源高效化": 10, "生产洁净化": 10, "产品绿色化": 10, "用地集约化": 10}
    result = score(V2025, {"EN4": IndicatorInput(D(8))}, True, weights=weights)
    # 6 of the area's 30 points, on a weight of 60.
    assert result.subtotals()["能源低碳化"] == D(12)
    assert result.total == D(12)


def test_2018_mandatory_items_must_all_be_met() -> None:
    everything = {i.id: IndicatorInput(D(1)) for i in V2018.indicators if not i.quantitative}
    everything |= {
        i.id: IndicatorInput(D(10), leading=D(10), baseline=D(5) if i.kind == "forward" else D(20))
        for i in V2018.indicators
        if i.quantitative
    }
    assert score(V2018, everything, True).green is None  # no pass mark: met, but not judged
    missing_one = everything | {"INF2-M": IndicatorInput(D(0))}
    result = score(V2018, missing_one, True)
    assert (result.total, result.green) == (D(97), False)
    assert result.mandatory_unmet == ("照明（必选）",)
    assert result.verdict == "必选要求未全部符合：照明（必选） → 不判定为绿色工厂（总分 97）"
    # An optional item is extra: missing it only costs its points.
    optional_missed = score(V2018, everything | {"INF2-O": IndicatorInput(D(0))}, True)
    assert (optional_missed.total, optional_missed.green) == (D(99), None)


def test_2018_area_scores_are_met_points_over_area_points_times_weight() -> None:
    inputs = {
        i.id: IndicatorInput(D(1)) for i in V2018.indicators_in("基础设施") if i.requirement == "mandatory"
    }
    result = score(V2018, inputs, True)
    assert result.subtotals()["基础设施"] == D(14)  # 5 + 3 + 6 of 20


def test_park_scores_with_the_green_index_ratio() -> None:
    result = score(
        PARK, {"能源产出率": IndicatorInput(D(3), leading=D(6)), "MG2": IndicatorInput(D(1))}, True
    )
    assert [(i.name, i.score) for i in result.indicators if i.status == "scored"] == [
        ("能源产出率", D("2.50")),
        ("编制绿色园区发展规划", D("2.00")),
    ]
    explained = next(i for i in result.indicators if i.id == "EG1").explanation
    assert explained == "实际值 3 ÷ 引领值 6 = 0.5，5×比值 = 2.5"
    # No pass mark was found for parks: 4.5 points are reported, not judged.
    assert (result.green, result.verdict.endswith("不据此判定是否达到绿色工业园区要求")) == (None, True)


def test_an_indicator_outside_the_system_goes_to_other() -> None:
    extra = IndicatorInput(D("0.85"), leading=D("0.9"), baseline=D("1.2"), points=D(8), kind="inverse")
    result = score(V2025, {"单位产品综合能耗": extra}, True)
    assert result.subtotals()["其他"] == D(8)
    assert result.total == D(8)


def test_an_undescribed_indicator_outside_the_system_is_refused() -> None:
    with pytest.raises(
        ScoreInputError, match="评价体系中没有指标“容积率”；体系外指标须同时给出 direction、points"
    ):
        score(V2025, {"容积率": IndicatorInput(D("1.2"))}, True)


def test_the_same_indicator_twice_is_refused() -> None:
    with pytest.raises(ScoreInputError, match="重复填报"):
        score(
            V2025, {"EN4": IndicatorInput(D(1)), "能碳管理系统平台功能符合数量": IndicatorInput(D(2))}, True
        )


def test_points_are_rounded_to_cents_half_up() -> None:
    indicator = Indicator("T1", "测试", "甲", "forward", D(8), "A")
    result = score_indicator(indicator, IndicatorInput(D(1), leading=D(3), baseline=D(0)))
    assert result.score == D("2.67")
