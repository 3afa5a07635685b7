"""The cycle and form files and the flags DM1–DM4 (pure rules, no database)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from greenlist.rules import filing as rules
from greenlist.rules.batch import DATA_DIR
from greenlist.rules.facts import NegativeRecord
from greenlist.rules.vocabulary import RecordType

UTC = dt.UTC


@pytest.fixture(scope="module")
def cycle() -> rules.Cycle:
    return rules.load_cycle(2025)


@pytest.fixture(scope="module")
def form(cycle: rules.Cycle) -> rules.Form:
    return rules.load_form(cycle.form_version)


def good_values(**changes: str) -> dict[str, str]:
    values = {
        "output_value": "10000",
        "energy_total": "5000",
        "energy_intensity": "0.5",
        "co2_total": "12000",
        "co2_intensity": "1.2",
        "renewable_share": "12",
        "water_intake": "80000",
        "water_reuse": "90",
        "solid_waste_reuse": "95",
        "land_output": "300",
        "retrofit_investment": "150",
        "accidents": "无",
        "name_changed": "否",
        "boundary_changed": "否",
        "score": "86",
    }
    values.update(changes)
    return values


def test_the_cycle_file_gives_each_stage_its_deadline_source_and_confidence(cycle):
    assert [d.stage for d in cycle.deadlines] == ["unit", "city", "province", "national"]
    national = cycle.deadline("national")
    assert national.due.date() == dt.date(2025, 4, 15)
    assert national.confidence == "B"
    assert national.provincial_choice is False
    assert cycle.deadline("unit").provincial_choice is True
    assert cycle.deadline("unit").unverified is True
    assert cycle.levels == ("national", "provincial", "municipal")


def test_the_form_is_marked_unverified_and_lists_the_key_indicators(form):
    assert form.confidence == "C"
    codes = {f.code for f in form.fields}
    assert {
        "energy_intensity",
        "co2_intensity",
        "renewable_share",
        "solid_waste_reuse",
        "land_output",
    } <= codes
    assert form.field("energy_intensity").worse == "higher"
    assert form.field("renewable_share").threshold == rules.Threshold("absolute", Decimal("5"))
    assert "green_supplier_share" not in {f.code for f in form.fields_for("factory")}
    assert "green_supplier_share" in {f.code for f in form.fields_for("supply_chain")}


def test_values_are_checked_against_the_form(form):
    clean, errors = rules.check_values(
        form, "factory", good_values(renewable_share="120", energy_total="很多")
    )
    assert errors["renewable_share"] == "“可再生能源使用比例”不得大于 100"
    assert "不是数字" in errors["energy_total"]
    assert clean["output_value"] == "10000"
    _, missing = rules.check_values(form, "factory", {})
    assert missing["energy_total"] == "请填写“综合能源消费量”"
    _, draft = rules.check_values(form, "factory", {}, partial=True)
    assert draft == {}


def test_a_declared_rename_needs_the_new_name(form):
    _, errors = rules.check_values(form, "factory", good_values(name_changed="是"))
    assert errors == {"new_name": "申报了名称变更，请填写“变更后名称”"}


def test_a_filing_past_the_deadline_is_flagged(cycle):
    late = cycle.filing_deadline + dt.timedelta(days=2)
    found = rules.dm1_not_filed(cycle, late, late)
    assert [f.rule for f in found] == ["DM1"]
    assert "晚于填报截止时间 2025年03月15日" in found[0].message
    assert rules.dm1_not_filed(cycle, cycle.filing_deadline - dt.timedelta(days=1), late) == []


def test_not_filed_is_flagged_only_after_the_deadline(cycle):
    before = cycle.filing_deadline - dt.timedelta(hours=1)
    after = cycle.filing_deadline + dt.timedelta(hours=1)
    assert rules.dm1_not_filed(cycle, None, before) == []
    assert [f.rule for f in rules.dm1_not_filed(cycle, None, after)] == ["DM1"]


def test_a_key_indicator_worse_than_last_year_beyond_its_threshold_is_flagged(form):
    last = good_values()
    found = rules.dm3_indicators(form, "factory", good_values(energy_intensity="0.56"), last)
    assert [(f.rule, f.evidence["field"]) for f in found] == [("DM3", "energy_intensity")]
    assert "+12.0%" in found[0].message
    assert rules.dm3_indicators(form, "factory", good_values(energy_intensity="0.52"), last) == []
    # lower is worse for the renewable share: 12 → 6 is 6 points down, beyond 5
    worse = rules.dm3_indicators(form, "factory", good_values(renewable_share="6"), last)
    assert [f.evidence["field"] for f in worse] == ["renewable_share"]


def test_an_accident_declared_is_flagged(form):
    found = rules.dm3_indicators(form, "factory", good_values(accidents="有"), {})
    assert [f.message for f in found] == ["单位在动态管理表中申报“本年度安全、质量、环境污染事故”：有"]


def test_a_name_or_boundary_change_declared_is_flagged(form):
    found = rules.dm4_changes(form, "factory", good_values(name_changed="是", new_name="新名称有限公司"))
    assert [f.rule for f in found] == ["DM4"]
    assert "新名称有限公司" in found[0].message
    assert rules.dm4_changes(form, "factory", good_values()) == []


def test_a_negative_record_in_the_period_is_flagged_with_its_exclusion_rule(cycle):
    inside = NegativeRecord(
        type=RecordType.POLLUTION_ACCIDENT, start=dt.date(2024, 6, 1), source="生态环境局"
    )
    before = NegativeRecord(type=RecordType.TAX_EVASION, start=dt.date(2022, 6, 1))
    found = rules.dm2_negative_records(cycle, [inside, before])
    assert [(f.rule, f.evidence["exclusion_rule"]) for f in found] == [("DM2", "E2")]
    assert found[0].clause == rules.DM_CLAUSES["DM2"]


def _data_dir_with(tmp_path: Path, cycle_yaml: str, form_yaml: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "cycles", folder / "cycles")
    (folder / "cycles" / "dynamic-2026.yaml").write_text(cycle_yaml, encoding="utf-8")
    (folder / "cycles" / "forms" / "dynamic-form-v2.yaml").write_text(form_yaml, encoding="utf-8")
    return folder


CYCLE_2026 = """
year: 2026
data_year: 2025
title: 2026年度动态管理
form: dynamic-form-v2
deadlines:
  - {stage: unit, due: 2026-03-10, source: 本省自定, confidence: C}
  - {stage: national, due: 2026-04-15, source: 第十六条, confidence: B}
"""
FORM_V2 = """
version: dynamic-form-v2
title: 第2版
source: 测试
confidence: C
fields:
  - {code: energy_intensity, name: 单位产品综合能耗, unit: kgce/t, type: number, check: {required: true, min: 0},
     worse: higher, threshold: {kind: relative, value: 0.02}, benchmark: {factory: 100}}
  - {code: green_power, name: 绿电交易量, unit: 万千瓦时, type: number, check: {required: true, min: 0}}
"""


def test_a_second_form_version_changes_the_fields_without_code(tmp_path):
    data_dir = _data_dir_with(tmp_path, CYCLE_2026, FORM_V2)
    assert rules.available_cycles(data_dir) == [2025, 2026]
    cycle = rules.load_cycle(2026, data_dir)
    form = rules.load_form(cycle.form_version, data_dir)
    assert [f.code for f in form.fields_for("factory")] == ["energy_intensity", "green_power"]
    _, errors = rules.check_values(form, "factory", {"energy_intensity": "90"})
    assert errors == {"green_power": "请填写“绿电交易量”"}
    # the new threshold and the benchmark come from the file
    found = rules.dm3_indicators(form, "factory", {"energy_intensity": "103"}, {"energy_intensity": "100"})
    assert [f.evidence for f in found] == [
        {"field": "energy_intensity", "this_year": "103", "last_year": "100"},
        {"field": "energy_intensity", "benchmark": "100"},
    ]
    # the version-1 form still reads as before
    assert "green_power" not in {f.code for f in rules.load_form("dynamic-form-v1", data_dir).fields}


def test_a_cycle_file_with_deadlines_out_of_order_is_refused(tmp_path):
    bad = CYCLE_2026.replace("2026-03-10", "2026-05-10")
    data_dir = _data_dir_with(tmp_path, bad, FORM_V2)
    with pytest.raises(rules.CycleFileError, match="下级环节的截止时间不得晚于上级环节"):
        rules.load_cycle(2026, data_dir)
