"""Campaign kinds as data: the batch shape, L1 (prior listing), A1 (relative bar), self-only
evaluation and key-industry routing, on the shipped batch files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from greenlist.rules.batch import BatchFileError, load_batch, parse_batch
from greenlist.rules.catalogue import listing
from greenlist.rules.factory import f2_evaluation_standard
from greenlist.rules.facts import ListEntry, RegionalAverage
from greenlist.rules.listing import l1_prior_listing
from greenlist.rules.relative_bar import a1_explanation, a1_relative_bar
from greenlist.rules.routing import route
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus
from tests.rules.test_batch import raw_2024
from tests.rules.test_screening import BATCH, app, bad_world, rules_in, uscc

NATIONAL = load_batch("hebei", "2025")
PROVINCIAL = load_batch("hebei", "2025-provincial")
REVIEW = load_batch("hebei", "2025-review")


def entry(
    n: int,
    level: ListLevel = ListLevel.PROVINCIAL,
    category: Category = Category.FACTORY,
    status: ListStatus = ListStatus.ACTIVE,
    revoked_on: dt.date | None = None,
) -> ListEntry:
    return ListEntry(uscc(n), f"申报单位{n}", category, level, "石家庄市", 2022, status, revoked_on)


def test_the_2024_batch_keeps_its_shape_through_the_defaults() -> None:
    assert (BATCH.kind, BATCH.categories, BATCH.methods, BATCH.quota) == (
        "national",
        ("factory", "park", "supply_chain"),
        ("self", "third_party"),
        True,
    )
    assert (BATCH.relative_bar, BATCH.pass_mark, BATCH.key_industry_routing) == (None, None, None)
    assert [(d.level, d.due) for d in BATCH.deadlines] == [("city", BATCH.deadline)]
    assert not BATCH.on("L1") and not BATCH.on("A1")
    assert len(listing(BATCH)) == 22


def test_the_2025_national_round_is_factories_and_parks_self_only_with_l1_and_a1() -> None:
    assert (NATIONAL.code, NATIONAL.kind, NATIONAL.categories, NATIONAL.methods) == (
        "2025",
        "national",
        ("factory", "park"),
        ("self",),
    )
    on = {spec["id"] for spec in listing(NATIONAL)}
    assert on == {"E1", "E2", "E3", "E4", "E5", "E6", "L1", "F2", "D1", "A1"}
    assert NATIONAL.relative_bar is not None and NATIONAL.relative_bar.confidence == "B"
    assert NATIONAL.pass_mark is None  # GB/T 36132-2025 §6 names no pass mark
    assert NATIONAL.indicator_systems["factory"] == "gbt36132-2025"
    # Hebei's own dates were not found: every dated link is marked C.
    assert {d.confidence for d in NATIONAL.deadlines if d.level != "national"} == {"C"}
    assert NATIONAL.parameter_confidence["deadline"] == "C"


def test_the_provincial_round_and_the_review_are_data_too() -> None:
    assert (PROVINCIAL.kind, PROVINCIAL.categories, PROVINCIAL.methods) == (
        "provincial",
        ("factory",),
        ("self", "third_party"),
    )
    assert (PROVINCIAL.listing_required, PROVINCIAL.listing_target) == ("municipal", "provincial")
    assert PROVINCIAL.on("V3") and PROVINCIAL.evaluator_cap == 15
    assert (REVIEW.kind, REVIEW.quota, REVIEW.listing_required, REVIEW.listing_target) == (
        "review",
        False,
        "national",
        None,
    )
    assert not REVIEW.on("Q1") and not REVIEW.on("A1")


@pytest.mark.parametrize(
    ("batch", "category", "entries", "message"),
    [
        (NATIONAL, Category.FACTORY, [entry(1)], None),
        (NATIONAL, Category.PARK, [entry(1, category=Category.PARK)], None),
        (NATIONAL, Category.FACTORY, [], "不在有效的省级绿色工厂名单中"),
        (NATIONAL, Category.FACTORY, [entry(1, category=Category.PARK)], "不在有效的省级绿色工厂名单中"),
        (NATIONAL, Category.PARK, [entry(1)], "不在有效的省级绿色工业园区名单中"),
        (NATIONAL, Category.FACTORY, [entry(1, ListLevel.MUNICIPAL)], "不在有效的省级绿色工厂名单中"),
        (
            NATIONAL,
            Category.FACTORY,
            [entry(1, status=ListStatus.REVOKED, revoked_on=dt.date(2024, 3, 1))],
            "2022年列入的省级绿色工厂资格已撤销（撤销日期：2024-03-01）",
        ),
        (
            NATIONAL,
            Category.FACTORY,
            [entry(1), entry(1, ListLevel.NATIONAL)],
            "已是国家级绿色工厂（2022年列入）",
        ),
        (PROVINCIAL, Category.FACTORY, [entry(1, ListLevel.MUNICIPAL)], None),
        (PROVINCIAL, Category.FACTORY, [], "不在有效的市级绿色工厂名单中"),
        (PROVINCIAL, Category.FACTORY, [entry(1, ListLevel.MUNICIPAL), entry(1)], "已是省级绿色工厂"),
        (REVIEW, Category.FACTORY, [entry(1, ListLevel.NATIONAL)], None),
        (REVIEW, Category.PARK, [entry(1)], "不在有效的国家级绿色工业园区名单中"),
    ],
)
def test_l1_table(batch: Any, category: Category, entries: list[ListEntry], message: str | None) -> None:
    findings = l1_prior_listing(batch, app(1, category), entries)
    if message is None:
        assert findings == []
    else:
        assert [(f.rule, f.effect) for f in findings] == [("L1", Effect.EXCLUDE)]
        assert message in findings[0].message
        assert findings[0].clause == batch.clause("L1")


def test_l1_is_off_in_the_2024_batch() -> None:
    assert l1_prior_listing(BATCH, app(1), []) == []


AVERAGE = RegionalAverage(Category.FACTORY, ListLevel.NATIONAL, 2024, Decimal("82.50"), 12)


@pytest.mark.parametrize(
    ("category", "score", "averages", "message"),
    [
        (
            Category.FACTORY,
            Decimal("80"),
            {"factory": AVERAGE},
            "评价得分80分低于本省已有国家级绿色工厂2024年平均得分82.50分（12家）",
        ),
        (Category.FACTORY, Decimal("82.50"), {"factory": AVERAGE}, None),
        (Category.FACTORY, Decimal("95"), {"factory": AVERAGE}, None),
        (Category.FACTORY, None, {"factory": AVERAGE}, "未填报评价得分，无法对照"),
        (Category.FACTORY, Decimal("10"), {"factory": None}, None),
        (Category.PARK, Decimal("10"), {"factory": AVERAGE, "park": None}, None),
    ],
)
def test_a1_table(
    category: Category,
    score: Decimal | None,
    averages: dict[str, RegionalAverage | None],
    message: str | None,
) -> None:
    findings = a1_relative_bar(NATIONAL, app(1, category, score=score), averages)
    if message is None:
        assert findings == []
    else:
        assert [(f.rule, f.effect) for f in findings] == [("A1", Effect.WARN)]
        assert message in findings[0].message
        assert "依据置信度B" in findings[0].message


def test_a1_is_silent_without_scores_and_says_why() -> None:
    assert a1_relative_bar(NATIONAL, app(1, score=Decimal("1")), {}) == []
    explained = a1_explanation(NATIONAL, {"factory": AVERAGE, "park": None})
    assert explained == [
        "A1：名单库中没有国家级绿色工业园区的年度得分，无法计算本地区平均水平，本项未对照（请先录入现有单位的年度得分）"
    ]
    assert a1_explanation(BATCH, {}) == []


def test_switching_to_self_evaluation_only_removes_every_v_finding() -> None:
    with_v = rules_in(bad_world())
    assert {"V1", "V2", "V3", "V4"} <= with_v
    data = raw_2024()
    data["methods"] = ["self"]
    self_only = parse_batch(data)
    result = bad_world(self_only)
    assert rules_in(result) == with_v - {"V1", "V2", "V3", "V4"}
    assert result.evaluators == ()
    assert all(not f.rule.startswith("V") for a in result.applications for f in a.findings)


def test_a_batch_without_quota_lists_no_quotas_and_no_q1() -> None:
    data = raw_2024()
    data["quota"] = False
    result = bad_world(parse_batch(data))
    assert result.to_contract()["quotas"] == []
    assert "Q1" not in rules_in(result)
    # the units' other findings still block their submission
    assert {f.rule for u in result.quotas for f in u.findings} == {"C1", "D1"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"categories": ["factory", "zero_carbon"]}, "zero_carbon"),
        ({"methods": []}, "methods"),
        ({"pass_mark": {"value": 60, "confidence": "C"}}, "来源"),
        ({"kind": "other"}, "kind"),
    ],
)
def test_a_bad_campaign_shape_is_refused_with_its_key(change: dict[str, Any], message: str) -> None:
    with pytest.raises(BatchFileError, match=message):
        parse_batch(raw_2024() | change)


def test_a_sourced_pass_mark_is_read_with_its_bands() -> None:
    data = raw_2024() | {
        "pass_mark": {
            "value": 60,
            "confidence": "B",
            "source": "DB13/T 6005—2024 星级分档",
            "bands": [{"label": "五星", "from": 90}, {"label": "三星", "from": 60}],
        }
    }
    mark = parse_batch(data).pass_mark
    assert mark is not None
    assert (mark.value, mark.bands) == (Decimal("60"), (("五星", Decimal("90")), ("三星", Decimal("60"))))


@pytest.mark.parametrize(
    ("industry", "code", "key", "requirement"),
    [
        ("", "3411", True, "机械行业绿色工厂评价要求（待核实）"),
        ("", "31", True, "钢铁行业绿色工厂评价要求（待核实）"),
        ("非金属矿物制品业", "", True, "建材行业绿色工厂评价要求（待核实）"),
        ("", "44", False, "绿色工厂评价要求（通则，390号附件1；GB/T 36132-2025）"),
        ("机械制造商贸", "", False, "绿色工厂评价要求（通则，390号附件1；GB/T 36132-2025）"),
    ],
)
def test_key_industry_routing(industry: str, code: str, key: bool, requirement: str) -> None:
    routed = route(NATIONAL, industry, code)
    assert routed is not None
    assert (routed.key_industry, routed.requirement) == (key, requirement)


def test_a_key_industry_applicant_is_routed_to_its_sector_requirement_by_f2() -> None:
    steel = app(1, industry="", industry_code="3110", standard_used="GB/T 36132-2025")
    findings = f2_evaluation_standard(NATIONAL, steel)
    assert [(f.rule, f.effect) for f in findings] == [("F2", Effect.WARN)]
    assert "钢铁行业绿色工厂评价要求" in findings[0].message
    general = app(2, industry="", industry_code="4411", standard_used="GB/T 36132-2025")
    assert f2_evaluation_standard(NATIONAL, general) == []
    assert route(BATCH, "", "3110") is None  # 2024: the notice's own industry-standard list


def test_self_only_batches_need_no_evaluator_parameters() -> None:
    assert NATIONAL.evaluator_cap == 0 and not NATIONAL.on("V3")
    data = raw_2024()
    del data["parameters"]["evaluator_cap"]
    data["methods"] = ["self"]
    assert parse_batch(data).on("V3") is False
