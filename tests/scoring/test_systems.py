"""Indicator systems as versioned data: the shipped files, their confidence marks, and bad files."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from greenlist.scoring.systems import (
    INDICATORS_DIR,
    IndicatorSystemError,
    find_system,
    load_system,
    parse_system,
    systems,
)

SHIPPED = sorted(INDICATORS_DIR.glob("*.yaml"))


def test_the_four_systems_are_shipped() -> None:
    assert sorted(systems()) == ["gbt36132-2018", "gbt36132-2025", "park-2016", "supply-chain-generic"]
    assert {s.category for s in systems().values()} == {"factory", "park", "supply_chain"}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_weights_sum_to_100_and_each_areas_points_equal_its_weight(path: Path) -> None:
    system = load_system(path)
    assert sum(a.weight for a in system.areas) == Decimal(100)
    for area in system.areas:
        assert system.area_points(area.name) == area.weight, area.name


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_unverified_mark_says_what_is_to_be_confirmed(path: Path) -> None:
    system = load_system(path)
    marked: list[tuple[str, str, str]] = []
    marked += [(a.name, a.confidence, a.note) for a in system.areas]
    marked += [(r.id, r.confidence, r.note) for r in system.basic_requirements]
    marked += [(i.id, i.points_mark, i.note) for i in system.indicators]
    marked += [(source.document, source.confidence, source.note) for source in system.sources]
    unflagged = [name for name, confidence, note in marked if confidence == "C" and "待核实" not in note]
    assert unflagged == []


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_no_pass_mark_is_claimed_without_a_source(path: Path) -> None:
    system = load_system(path)
    assert system.pass_mark is None
    assert "不是国家" in system.pass_mark_note and "DB13/T 6005" in system.pass_mark_note
    assert "不判定合格与否" in system.pass_mark_note


def test_a_pass_mark_marked_c_is_refused() -> None:
    data = minimal() | {"pass_mark": {"value": 60, "confidence": "C", "note": "待核实"}}
    with pytest.raises(IndicatorSystemError, match="合格分须有来源"):
        parse_system(data)


def test_2025_is_the_annex_c_example() -> None:
    system = find_system("GB/T 36132-2025")
    assert [(a.name, a.weight, a.confidence) for a in system.areas] == [
        ("能源低碳化", 30, "A"),
        ("资源高效化", 30, "A"),
        ("生产洁净化", 16, "A"),
        ("产品绿色化", 16, "A"),
        ("用地集约化", 8, "A"),
    ]
    assert [i.points for i in system.indicators] == [8, 8, 8, 6, 8, 8, 8, 6, 6, 4, 6, 8, 8, 8]
    assert [i.kind for i in system.indicators] == [
        "inverse", "inverse", "forward", "forward",
        "inverse", "inverse", "forward", "forward",
        "qualitative", "forward", "inverse",
        "qualitative", "qualitative",
        "forward",
    ]  # fmt: skip
    platform = system.indicator("能碳管理系统平台功能符合数量")
    assert platform is not None
    assert (platform.leading, platform.baseline, platform.points) == (8, 0, 6)
    # Industry-specific values are left to the input.
    energy = system.indicator("EN1")
    assert energy is not None and (energy.leading, energy.baseline) == (None, None)
    assert [r.id for r in system.basic_requirements] == ["BR1", "BR2", "BR3"]


def test_2018_has_six_areas_with_unconfirmed_weights_and_a_mandatory_gate() -> None:
    system = find_system("GB/T 36132-2018")
    assert [(a.name, a.weight) for a in system.areas] == [
        ("基础设施", 20),
        ("管理体系", 15),
        ("能源与资源投入", 15),
        ("产品", 10),
        ("环境排放", 10),
        ("绩效", 30),
    ]
    assert {a.confidence for a in system.areas} == {"C"}
    assert all("附件2" in a.note for a in system.areas)
    assert system.mandatory_gate is True
    performance = system.indicators_in("绩效")
    assert len(performance) == 12 and {i.kind for i in performance} == {"forward", "inverse"}
    items = [i for i in system.indicators if i.area != "绩效"]
    assert {i.requirement for i in items} == {"mandatory", "optional"}
    assert "项目方案" in system.method_note


def test_park_has_six_groups_eleven_confirmed_indicators_and_c_placeholders() -> None:
    system = find_system("park-2016")
    assert [a.code for a in system.areas] == ["EG", "RG", "IG", "CG", "HG", "MG"]
    confirmed = [i.name for i in system.indicators if i.confidence in ("A", "B")]
    assert confirmed == [
        "能源产出率",
        "可再生能源使用比例",
        "清洁能源使用率",
        "水资源产出率",
        "土地资源产出率",
        "工业固体废弃物综合利用率",
        "工业用水重复利用率",
        "中水回用率",
        "余热资源回收利用率",
        "废气资源回收利用率",
        "再生资源回收利用率",
    ]
    assert len(system.indicators) == 31
    assert {i.points_mark for i in system.indicators} == {"C"}
    assert all(i.leading is None for i in system.indicators)
    assert system.method == "ratio"


def test_supply_chain_is_the_100_point_table() -> None:
    system = find_system("supply-chain-generic")
    points = {i.id: i.points for i in system.indicators}
    assert points == {
        "X11": 8, "X12": 6, "X13": 6,
        "X21": 4, "X22": 3, "X23": 3, "X24": 3, "X25": 3, "X26": 4,
        "X31": 10, "X32": 10,
        "X41": 5, "X42": 5, "X43": 5, "X44": 5,
        "X51": 10,
        "X61": Decimal("2.5"), "X62": Decimal("2.5"), "X63": Decimal("2.5"), "X64": Decimal("2.5"),
    }  # fmt: skip
    assert sum(points.values()) == 100
    assert [i.id for i in system.indicators if i.quantitative] == ["X26", "X41", "X42"]


@pytest.mark.parametrize(
    "name",
    [
        "GB/T 36132-2025",
        "gbt36132-2025",
        "GB/T36132—2025",
        "ＧＢ/Ｔ 36132-2025",
        "GB/T 36132-2025《绿色工厂评价通则》",
    ],
    ids=["standard", "id", "em-dash-no-space", "full-width", "with-title"],
)
def test_a_system_is_found_by_its_standard_number_or_id(name: str) -> None:
    assert find_system(name).id == "gbt36132-2025"


def test_an_unknown_system_lists_the_known_ones() -> None:
    with pytest.raises(
        IndicatorSystemError, match="未知的评价体系“GB/T 99999”，可选：GB/T 36132-2018（gbt36132-2018）"
    ):
        find_system("GB/T 99999")


def minimal() -> dict[str, Any]:
    return {
        "id": "demo",
        "title": "示例体系",
        "standard": "DEMO-1",
        "edition": "1",
        "category": "factory",
        "source": [{"document": "示例", "confidence": "A"}],
        "pass_mark": {"value": None, "confidence": "C", "note": "待核实：未见合格分"},
        "basic_requirements": [{"id": "BR1", "text": "守法", "confidence": "A"}],
        "areas": [
            {"name": "甲", "weight": 60, "confidence": "A"},
            {"name": "乙", "weight": 40, "confidence": "A"},
        ],
        "indicators": [
            {"id": "A1", "name": "甲一", "area": "甲", "kind": "forward", "leading": 10, "baseline": 5, "points": 60, "confidence": "A"},
            {"id": "B1", "name": "乙一", "area": "乙", "kind": "qualitative", "points": 40, "confidence": "A"},
        ],
    }  # fmt: skip


def test_the_minimal_file_is_valid() -> None:
    system = parse_system(minimal())
    assert (system.id, len(system.indicators)) == ("demo", 2)


def _weights_90(d: dict[str, Any]) -> None:
    d["areas"][1]["weight"] = 30
    d["indicators"][1]["points"] = 30


def _points_off(d: dict[str, Any]) -> None:
    d["indicators"][0]["points"] = 50


def _unknown_kind(d: dict[str, Any]) -> None:
    d["indicators"][0]["kind"] = "upward"


def _unknown_area(d: dict[str, Any]) -> None:
    d["indicators"][1]["area"] = "丙"


def _duplicate_id(d: dict[str, Any]) -> None:
    d["indicators"][1]["id"] = "A1"


def _forward_reversed(d: dict[str, Any]) -> None:
    d["indicators"][0]["leading"] = 4


def _c_without_note(d: dict[str, Any]) -> None:
    d["areas"][0]["confidence"] = "C"


def _bad_confidence(d: dict[str, Any]) -> None:
    d["areas"][0]["confidence"] = "D"


def _no_areas(d: dict[str, Any]) -> None:
    del d["areas"]


def _text_weight(d: dict[str, Any]) -> None:
    d["areas"][0]["weight"] = "六十"


def _qualitative_with_values(d: dict[str, Any]) -> None:
    d["indicators"][1]["leading"] = 1


def _empty_area(d: dict[str, Any]) -> None:
    d["areas"].append({"name": "丙", "weight": 0, "confidence": "A"})


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        pytest.param(_weights_90, "权重合计应为100，实际为 90（甲 60、乙 30）", id="weights-sum-90"),
        pytest.param(
            _points_off, "“甲”下各指标分值合计 50，与其权重 60 不一致", id="area-points-inconsistent"
        ),
        pytest.param(_unknown_kind, "kind 应为 forward、inverse 或 qualitative", id="unknown-kind"),
        pytest.param(_unknown_area, "所属一级指标“丙”不在 areas 中", id="unknown-area"),
        pytest.param(_duplicate_id, "指标编号重复：A1", id="duplicate-id"),
        pytest.param(
            _forward_reversed, "正向指标，引领值 4 不应低于基准值 5", id="forward-leading-below-baseline"
        ),
        pytest.param(_c_without_note, "标为C（未核实），须在 note 中说明", id="c-without-note"),
        pytest.param(_bad_confidence, "confidence 应为 A、B 或 C", id="bad-confidence"),
        pytest.param(_no_areas, "缺少 areas", id="no-areas"),
        pytest.param(_text_weight, "应为数字", id="weight-not-a-number"),
        pytest.param(
            _qualitative_with_values, "定性指标，不应有引领值或基准值", id="qualitative-with-leading"
        ),
        pytest.param(_empty_area, "一级指标“丙”下没有指标", id="area-without-indicators"),
    ],
)
def test_a_bad_file_is_rejected(break_it: Any, message: str) -> None:
    data = copy.deepcopy(minimal())
    break_it(data)
    with pytest.raises(IndicatorSystemError, match=re.escape(message)):
        parse_system(data)


def test_a_bad_file_on_disk_is_rejected_naming_the_file(tmp_path: Path) -> None:
    data = minimal()
    _weights_90(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(IndicatorSystemError, match=r"评价体系文件 bad\.yaml（demo）：.*权重合计应为100"):
        load_system(path)
    with pytest.raises(IndicatorSystemError, match="权重合计应为100"):
        systems(tmp_path)


def test_weights_can_be_configured_but_must_sum_to_100() -> None:
    system = find_system("gbt36132-2025")
    other = system.reweighted(
        {"能源低碳化": 40, "资源高效化": 20, "生产洁净化": 16, "产品绿色化": 16, "用地集约化": 8}
    )
    assert other.weights()["能源低碳化"] == 40 and other.area("能源低碳化").confidence == "C"
    assert system.weights()["能源低碳化"] == 30  # the shipped system is untouched
    with pytest.raises(IndicatorSystemError, match="权重合计应为100，实际为 110"):
        system.reweighted(
            {"能源低碳化": 40, "资源高效化": 30, "生产洁净化": 16, "产品绿色化": 16, "用地集约化": 8}
        )
    with pytest.raises(IndicatorSystemError, match="缺少：用地集约化"):
        system.reweighted({"能源低碳化": 38, "资源高效化": 30, "生产洁净化": 16, "产品绿色化": 16})
    with pytest.raises(IndicatorSystemError, match="没有的一级指标：绩效"):
        system.reweighted({"绩效": 100})
