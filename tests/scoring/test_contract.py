"""The ``greenlist score`` input/output contract and the stored shape of an application's values."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

from greenlist.scoring.contract import (
    blank_entry,
    contract_output,
    parse_score_input,
    parse_score_json,
    parse_stored,
    run,
    score_stored,
)
from greenlist.scoring.score import ScoreInputError
from greenlist.scoring.systems import IndicatorSystemError, find_system


def document(*indicators: dict[str, Any], **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "system": "GB/T 36132-2025",
        "basic_requirements_met": True,
        "indicators": list(indicators),
    }
    data.update(top)
    return data


ENERGY = {
    "name": "能源消耗强度",
    "value": 0.85,
    "leading": 0.90,
    "baseline": 1.20,
    "points": 8,
    "direction": "inverse",
}
RENEWABLE = {
    "name": "可再生能源利用率",
    "value": 15,
    "leading": 20,
    "baseline": 10,
    "points": 8,
    "direction": "forward",
}
DESIGN = {"name": "绿色设计", "value": 0.5, "direction": "qualitative"}


def output(data: dict[str, Any], detail: bool = False) -> dict[str, Any]:
    return contract_output(run(parse_score_input(data)), detail=detail)


def test_the_output_has_exactly_the_contract_shape() -> None:
    result = output(document(ENERGY, RENEWABLE, DESIGN))
    assert set(result) == {"total", "areas", "indicators", "green"}
    assert result["total"] == 16
    assert result["areas"] == {
        "能源低碳化": 12,
        "资源高效化": 0,
        "生产洁净化": 0,
        "产品绿色化": 4,
        "用地集约化": 0,
    }
    assert result["indicators"][:3] == [
        {"name": "能源消耗强度", "score": 8},
        {"name": "碳排放强度", "score": 0},
        {"name": "可再生能源利用率", "score": 4},
    ]
    assert len(result["indicators"]) == 14
    # GB/T 36132-2025 names no pass mark: a score alone is neither green nor not green.
    assert result["green"] is None
    json.dumps(result)  # plain JSON types only


def test_detail_adds_the_breakdown_without_changing_the_contract_keys() -> None:
    result = output(document(ENERGY), detail=True)
    assert result["areas"]["能源低碳化"] == 8
    first = result["indicators"][0]
    assert first["explanation"] == "实际值 0.85 优于引领值 0.9（逆向，越低越好）→ 满分 8"
    assert (first["id"], first["confidence"], first["status"]) == ("EN1", "A", "scored")
    assert result["system"]["standard"] == "GB/T 36132-2025"
    assert (result["pass_mark"]["value"], result["pass_mark"]["confidence"]) == (None, None)
    assert "GB/T 36132-2025 §6 未规定合格分" in result["pass_mark"]["note"]
    assert result["weights"] == {
        "能源低碳化": 30,
        "资源高效化": 30,
        "生产洁净化": 16,
        "产品绿色化": 16,
        "用地集约化": 8,
    }


def test_the_veto_makes_green_false_whatever_the_score() -> None:
    everything: list[dict[str, Any]] = []
    for indicator in find_system("gbt36132-2025").indicators:
        if indicator.kind == "qualitative":
            everything.append({"name": indicator.name, "value": True})
        elif indicator.leading is not None:  # the platform count: 8 of 8 functions
            everything.append({"name": indicator.name, "value": 8})
        else:
            base = 5 if indicator.kind == "forward" else 20
            everything.append({"name": indicator.name, "value": 10, "leading": 10, "baseline": base})
    full = output(document(*everything))
    assert (full["total"], full["green"]) == (100, None)  # no sourced pass mark: not judged
    vetoed = output(document(*everything, basic_requirements_met=False))
    assert (vetoed["total"], vetoed["green"]) == (100, False)


def test_baseline_equal_to_leading_is_handled_as_a_step() -> None:
    at = {"name": "可再生能源利用率", "value": 20, "leading": 20, "baseline": 20, "direction": "forward"}
    below = at | {"value": 19.9}
    assert output(document(at))["indicators"][2] == {"name": "可再生能源利用率", "score": 8}
    assert output(document(below))["indicators"][2] == {"name": "可再生能源利用率", "score": 0}


def test_an_unknown_indicator_with_its_description_goes_to_other() -> None:
    extra = {
        "name": "单位产品综合能耗",
        "value": 1.05,
        "leading": 0.9,
        "baseline": 1.2,
        "points": 8,
        "direction": "inverse",
    }
    result = output(document(extra))
    assert result["areas"]["其他"] == 4
    assert result["total"] == 4
    assert result["indicators"][-1] == {"name": "单位产品综合能耗", "score": 4}


def test_an_indicator_may_be_named_by_its_id() -> None:
    result = output(document({"name": "EN4", "value": 4}))
    assert result["indicators"][3] == {"name": "能碳管理系统平台功能符合数量", "score": 3}


def test_a_null_value_is_not_entered() -> None:
    result = output(document(ENERGY | {"value": None}))
    assert result["indicators"][0] == {"name": "能源消耗强度", "score": 0}


def test_weights_may_be_given() -> None:
    weights = {"能源低碳化": 60, "资源高效化": 10, "生产洁净化": 10, "产品绿色化": 10, "用地集约化": 10}
    assert output(document(ENERGY, weights=weights))["areas"]["能源低碳化"] == 16


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{not json", "输入不是有效的 JSON：第1行第2列", id="not-json"),
        pytest.param("", "输入不是有效的 JSON", id="empty"),
        pytest.param("[1, 2]", "输入应为 JSON 对象", id="array"),
        pytest.param(
            '{"system": "GB/T 36132-2025", "indicators": []}',
            "输入缺少字段 basic_requirements_met",
            id="missing-basic",
        ),
        pytest.param(
            '{"basic_requirements_met": true, "indicators": []}', "输入缺少字段 system", id="missing-system"
        ),
        pytest.param(
            '{"system": "GB/T 36132-2025", "basic_requirements_met": true}',
            "输入缺少字段 indicators",
            id="missing-indicators",
        ),
        pytest.param(
            '{"system": "GB/T 36132-2025", "basic_requirements_met": "yes", "indicators": []}',
            'basic_requirements_met 应为 true 或 false，实际为文字 "yes"',
            id="basic-not-bool",
        ),
        pytest.param(
            '{"system": "GB/T 36132-2025", "basic_requirements_met": true, "indicators": {}}',
            "字段 indicators 应为列表，实际为对象",
            id="indicators-not-list",
        ),
        pytest.param(
            '{"system": 2025, "basic_requirements_met": true, "indicators": []}',
            "字段 system 应为评价体系名称",
            id="system-not-text",
        ),
        pytest.param(
            '{"system": "GB/T 36132-2025", "basic_requirements_met": true, "indicators": [], "extra": 1}',
            "输入有未知字段 extra",
            id="unknown-top-level-field",
        ),
        pytest.param(
            '{"system": "GB/T 36132-2025", "basic_requirements_met": true, "indicators": [{"name": "绿色设计", "value": NaN}]}',
            "非有限数值 NaN",
            id="nan",
        ),
    ],
)
def test_malformed_documents_are_refused(text: str, message: str) -> None:
    with pytest.raises(ScoreInputError, match=re.escape(message)):
        parse_score_json(text)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        pytest.param({"value": 1}, "indicators 第1项缺少字段 name", id="missing-name"),
        pytest.param(
            {"name": "绿色设计"}, "indicators 第1项（“绿色设计”）缺少字段 value", id="missing-value"
        ),
        pytest.param(
            ENERGY | {"value": "0.85"},
            'indicators 第1项（“能源消耗强度”）的字段 value 应为数字，实际为文字 "0.85"',
            id="value-as-text",
        ),
        pytest.param(
            ENERGY | {"leading": True},
            "indicators 第1项（“能源消耗强度”）的字段 leading 应为数字，实际为布尔值 true",
            id="leading-as-bool",
        ),
        pytest.param(ENERGY | {"points": [8]}, "的字段 points 应为数字，实际为列表", id="points-as-list"),
        pytest.param(
            ENERGY | {"direction": "downward"},
            "indicators 第1项（“能源消耗强度”）的字段 direction 应为 forward（正向）、inverse（逆向）或 qualitative（定性），"
            '实际为文字 "downward"',
            id="unknown-direction",
        ),
        pytest.param(
            ENERGY | {"direction": "forward"},
            "指标“能源消耗强度”的方向为 forward，与体系规定的 inverse 不一致",
            id="direction-contradicts-system",
        ),
        pytest.param(
            ENERGY | {"leading": 1.3},
            "指标“能源消耗强度”是逆向指标，引领值 1.3 不应高于基准值 1.2",
            id="inverse-leading-above-baseline",
        ),
        pytest.param(
            DESIGN | {"value": 2}, "是定性指标，value 应为评审给分比例 0–1", id="qualitative-above-one"
        ),
        pytest.param(
            {"name": "能源消耗强度", "value": 0.85},
            "指标“能源消耗强度”缺少 leading（引领值）和baseline（基准值）：体系未规定该值，须在输入中给出",
            id="industry-values-missing",
        ),
        pytest.param(
            {"name": "容积率", "value": 1.2},
            "评价体系中没有指标“容积率”；体系外指标须同时给出 direction、points",
            id="unknown-indicator-undescribed",
        ),
        pytest.param(ENERGY | {"baselne": 1.2}, "有未知字段 baselne", id="misspelt-field"),
        pytest.param(ENERGY | {"points": 0}, "分值应为正数", id="zero-points"),
        pytest.param("能源消耗强度", "indicators 第1项应为对象", id="item-not-object"),
    ],
)
def test_malformed_indicators_are_refused_naming_the_indicator_and_field(item: Any, message: str) -> None:
    with pytest.raises(ScoreInputError, match=re.escape(message)):
        run(parse_score_input(document(item)))


def test_the_same_indicator_twice_is_refused() -> None:
    with pytest.raises(ScoreInputError, match="indicators 第2项（“能源消耗强度”）重复填报"):
        parse_score_input(document(ENERGY, ENERGY))


def test_an_unknown_system_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(IndicatorSystemError, match="未知的评价体系“GB/T 1-2000”，可选："):
        parse_score_input(document(system="GB/T 1-2000"))


def test_a_utf8_bom_is_accepted() -> None:
    text = "\ufeff" + json.dumps(document(ENERGY), ensure_ascii=False)
    assert parse_score_json(text.encode("utf-8")).system.id == "gbt36132-2025"


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ScoreInputError, match="不是 UTF-8"):
        parse_score_json(json.dumps(document(ENERGY), ensure_ascii=False).encode("gbk"))


# --- the stored shape --------------------------------------------------------------------------


def test_a_blank_entry_parses_and_scores_zero_with_the_gate_unconfirmed() -> None:
    system = find_system("gbt36132-2025")
    entry = blank_entry(system)
    assert entry["indicators"]["EN4"] == {"value": None, "leading": "8", "baseline": "0"}
    result = score_stored(entry)
    assert (result.total, result.basic_requirements_met, result.green) == (Decimal(0), False, False)
    assert "BR1 近三年无安全、质量、环境等方面的违法违规行为：未确认" in result.failed_requirements


def test_a_stored_entry_accepts_decimal_strings_and_scores_as_it_stands() -> None:
    entry = blank_entry(find_system("gbt36132-2025"))
    entry["basic_requirements"] = {"BR1": True, "BR2": True, "BR3": True}
    entry["indicators"]["EN1"] = {"value": "1.05", "leading": "0.90", "baseline": "1.20"}
    entry["indicators"]["EN2"] = {
        "value": "3.2",
        "leading": None,
        "baseline": None,
    }  # industry values not yet known
    entry["indicators"]["PG1"] = {"value": "1"}
    result = score_stored(entry)
    assert result.subtotals()["能源低碳化"] == Decimal(
        4
    )  # EN1 4 of 8; EN2 incomplete, EN3 and EN4 not entered
    assert result.subtotals()["产品绿色化"] == Decimal(8)
    assert result.incomplete == ("碳排放强度",)
    assert result.basic_requirements_met is True


def test_a_stored_entry_with_an_unknown_id_is_refused() -> None:
    with pytest.raises(ScoreInputError, match="没有指标编号 XX9"):
        parse_stored({"system": "gbt36132-2025", "indicators": {"XX9": {"value": 1}}})
    with pytest.raises(ScoreInputError, match="基本要求 BR1 应为 true、false 或 null"):
        parse_stored({"system": "gbt36132-2025", "basic_requirements": {"BR1": "是"}})
