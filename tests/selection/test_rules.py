"""Pure rules of the province's selection: conflicts of interest, score aggregation, the 公示
period and the gate on the final list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from greenlist.rules import public_notice
from greenlist.rules.conflicts import ApplicantFacts, ExpertFacts, conflicts
from greenlist.rules.review import (
    ScoreError,
    aggregate,
    load_review_sheets,
    mean,
    sheet_total,
    trimmed_mean,
    validate_scores,
)

DATA = Path(__file__).resolve().parents[2] / "src" / "greenlist" / "data"
APPLICANT = ApplicantFacts(
    organisation="石家庄某某钢铁有限公司",
    organisation_uscc="91130100MA0000001X",
    unit_name="石家庄市",
    evaluator="北京某某认证中心有限公司",
    evaluator_uscc="91110108MA0000002Y",
    evaluator_legal_entity_uscc="91110108MA0000003Z",
)


@pytest.mark.parametrize(
    ("expert", "rules"),
    [
        (ExpertFacts("甲", "河北工业大学", "", "天津市"), []),
        (ExpertFacts("乙", "河北工业大学", "", ""), []),
        # Same organisation as the applicant, by name (full-width brackets and spaces folded) or uscc.
        (ExpertFacts("丙", " 石家庄某某钢铁有限公司", "", ""), ["COI1"]),
        (ExpertFacts("丁", "某研究院", "91130100MA0000001X", ""), ["COI1"]),
        # The expert's organisation did the evaluation work: by name, uscc or its legal entity.
        (ExpertFacts("戊", "北京某某认证中心有限公司", "", ""), ["COI2"]),
        (ExpertFacts("己", "某某认证中心分部", "91110108MA0000003Z", ""), ["COI2"]),
        # Same city as the applicant.
        (ExpertFacts("庚", "石家庄学院", "", "石家庄市"), ["COI3"]),
        # Several at once are all reported.
        (ExpertFacts("辛", "石家庄某某钢铁有限公司", "", "石家庄市"), ["COI1", "COI3"]),
    ],
)
def test_conflicts_of_interest(expert, rules):
    found = conflicts(expert, APPLICANT)
    assert [c.rule for c in found] == rules
    for conflict in found:
        assert expert.name in conflict.message
        assert "置信度 C" in conflict.clause


def test_an_empty_uscc_or_name_never_matches():
    expert = ExpertFacts("壬", "", "", "")
    applicant = ApplicantFacts(organisation="", organisation_uscc="", unit_name="唐山市")
    assert conflicts(expert, applicant) == []


D = Decimal


@pytest.mark.parametrize(
    ("totals", "plain", "trimmed"),
    [
        ([], None, None),
        ([D(80)], D("80.00"), D("80.00")),
        ([D(80), D(90)], D("85.00"), D("85.00")),
        ([D(70), D(80), D(90), D(100)], D("85.00"), D("85.00")),  # below 5: no trimming
        ([D(60), D(80), D(82), D(84), D(100)], D("81.20"), D("82.00")),
        # Equal extremes: one highest and one lowest are dropped, not all of them.
        ([D(80), D(80), D(90), D(90), D(90)], D("86.00"), D("86.67")),
        ([D("85.5"), D("86.5"), D("87"), D("90"), D("70"), D("95")], D("85.67"), D("87.25")),
    ],
)
def test_mean_and_trimmed_mean(totals, plain, trimmed):
    assert mean(totals) == plain
    assert trimmed_mean(totals, 5) == trimmed


@pytest.mark.parametrize(
    ("totals", "flagged", "spread"),
    [
        ([D(80), D(90)], False, D(10)),
        ([D(70), D(90)], False, D(20)),  # exactly the threshold: not beyond it
        ([D("69.5"), D(90)], True, D("20.5")),
        ([], False, None),
    ],
)
def test_spread_is_flagged_beyond_the_threshold(totals, flagged, spread):
    result = aggregate(totals, trim_at_least=5, spread_threshold=D(20))
    assert result.spread == spread
    assert result.spread_flagged is flagged
    assert result.count == len(totals)


def test_the_shipped_sheets_total_one_hundred_and_say_they_are_unverified():
    sheets = load_review_sheets(DATA / "review-sheets" / "default.yaml")
    assert sheets.confidence == "C"
    assert "未见官方" in sheets.source
    assert set(sheets.sheets) == {"factory", "park", "supply_chain"}
    for sheet in sheets.sheets.values():
        assert sheet.max_total == 100
    assert sheets.trim_at_least == 5
    assert sheets.spread_threshold == 20


def test_sheet_validation_names_each_bad_item():
    sheet = load_review_sheets(DATA / "review-sheets" / "default.yaml").sheet("factory")
    good = {item.id: str(item.max) for item in sheet.items}
    points = validate_scores(sheet, good)
    assert sheet_total(sheet, points) == D("100.00")
    bad = dict(good, basics="21", infrastructure="", management="abc", resources="-1", performance="10.3")
    with pytest.raises(ScoreError) as raised:
        validate_scores(sheet, bad)
    assert set(raised.value.errors) == {"basics", "infrastructure", "management", "resources", "performance"}
    assert "0 至 20" in raised.value.errors["basics"]
    assert "未打分" in raised.value.errors["infrastructure"]
    assert "不是数字" in raised.value.errors["management"]
    assert "0.5" in raised.value.errors["performance"]
    with pytest.raises(ScoreError) as extra:
        validate_scores(sheet, dict(good, bonus="5"))
    assert "bonus" in extra.value.errors["_unknown"]


def test_weights_multiply_the_points(tmp_path):
    path = tmp_path / "sheet.yaml"
    path.write_text(
        "version: 2\nconfidence: C\nsource: 测试\naggregation:\n  trim_at_least: {value: 3}\n"
        "  spread_threshold: {value: 5}\nsheets:\n  factory:\n    title: 表\n    items:\n"
        "      - {id: a, label: 甲, max: 10, weight: 2}\n      - {id: b, label: 乙, max: 10, weight: 0.5}\n",
        encoding="utf-8",
    )
    sheets = load_review_sheets(path)
    sheet = sheets.sheet("factory")
    assert sheet.max_total == 25
    assert sheet_total(sheet, validate_scores(sheet, {"a": "7.5", "b": "4"})) == D("17.00")
    # A trim threshold of 3 in data trims three scores.
    assert trimmed_mean([D(1), D(5), D(9)], sheets.trim_at_least) == D("5.00")


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (dt.date(2023, 9, 18), 5, dt.date(2023, 9, 22)),  # Hebei 2023
        (dt.date(2023, 11, 8), 15, dt.date(2023, 11, 22)),  # MIIT 2023
        (dt.date(2021, 7, 27), 4, dt.date(2021, 7, 30)),  # Henan 2021
        (dt.date(2024, 12, 30), 5, dt.date(2025, 1, 3)),
    ],
)
def test_the_period_counts_both_ends(start, days, end):
    assert public_notice.period_end(start, days) == end


def test_the_notice_parameters_come_from_data_with_their_source():
    params = public_notice.load_notice_parameters(DATA / "public-notice" / "default.yaml")
    assert (params.days, params.min_days, params.max_days) == (5, 4, 15)
    assert "2023-09-18" in params.source
    assert public_notice.check_days(3, params.min_days, params.max_days)
    assert public_notice.check_days(16, params.min_days, params.max_days)
    assert public_notice.check_days(15, params.min_days, params.max_days) == ""


END = dt.date(2023, 9, 22)


@pytest.mark.parametrize(
    ("today", "open_objections", "opens", "blockers"),
    [
        (dt.date(2023, 9, 23), 0, True, []),
        (dt.date(2023, 9, 22), 0, False, ["公示期"]),  # the last day is still within the period
        (dt.date(2023, 9, 30), 1, False, ["异议"]),
        (dt.date(2023, 9, 20), 2, False, ["公示期", "异议"]),
    ],
)
def test_the_final_list_gate(today, open_objections, opens, blockers):
    gate = public_notice.final_list_gate(today=today, end=END, open_objections=open_objections)
    assert gate.open is opens
    assert len(gate.reasons) == len(blockers)
    for reason, word in zip(gate.reasons, blockers, strict=True):
        assert word in reason
