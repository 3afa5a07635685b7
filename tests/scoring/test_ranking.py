"""Ranking within a unit and category, every position explained, and the quota cut (Q1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from greenlist.scoring.ranking import RankEntry, rank, within_quota

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2024, 7, day, hour, 0, tzinfo=TZ)


def entry(
    key: str,
    *,
    eligible: bool = True,
    priority: tuple[str, ...] = (),
    score: str | None = "80",
    submitted: dt.datetime | None = None,
    name: str | None = None,
) -> RankEntry:
    return RankEntry(
        key=key,
        name=name or f"{key}公司",
        eligible=eligible,
        priority=priority,
        score=None if score is None else Decimal(score),
        submitted_at=submitted or at(1),
    )


def order(*entries: RankEntry) -> list[str]:
    return [r.key for r in rank(entries)]


def test_eligible_before_excluded_whatever_the_score() -> None:
    assert order(entry("甲", eligible=False, score="99", priority=("F3",)), entry("乙", score="61")) == [
        "乙",
        "甲",
    ]


def test_more_priority_findings_before_a_higher_score() -> None:
    assert order(entry("甲", score="99"), entry("乙", score="70", priority=("F3",))) == ["乙", "甲"]


def test_higher_score_then_earlier_submission_then_name() -> None:
    entries = [
        entry("k4", score="88", submitted=at(2), name="安达公司"),
        entry("k1", score="91.5"),
        entry("k3", score="88", submitted=at(1), name="博远公司"),
        entry("k2", score="88", submitted=at(1), name="安达公司二厂"),
        entry("k5", score=None),
    ]
    assert order(*entries) == ["k1", "k2", "k3", "k4", "k5"]


def test_names_are_in_pinyin_order() -> None:
    # Code-point order would put 乙 (U+4E59) before 甲 (U+7532); pinyin puts jia before yi.
    names = ["乙公司", "甲公司", "丙公司", "Z公司"]
    ranked = rank([entry(f"k{i}", name=n) for i, n in enumerate(names)])
    assert [r.entry.name for r in ranked] == ["Z公司", "丙公司", "甲公司", "乙公司"]


def test_the_input_order_does_not_matter() -> None:
    entries = [entry(k, score=s) for k, s in [("a", "70"), ("b", "90"), ("c", "80"), ("d", "90")]]
    assert order(*entries) == order(*reversed(entries)) == ["b", "d", "c", "a"]


@pytest.mark.parametrize(
    ("upper", "lower", "deciding", "explanation"),
    [
        pytest.param(
            entry("甲", score="60"),
            entry("乙", eligible=False, score="95"),
            "eligibility",
            "与第2名相比：可推荐，第2名不得推荐",
            id="eligible-over-excluded",
        ),
        pytest.param(
            entry("甲", priority=("F3", "F3")),
            entry("乙", priority=("F3",)),
            "priority",
            "与第2名相比：均可推荐，优先情形2项（F3、F3）多于1项（F3）",
            id="more-priority",
        ),
        pytest.param(
            entry("甲", priority=("P2",)),
            entry("乙"),
            "priority",
            "与第2名相比：均可推荐，优先情形1项（P2）多于0项",
            id="some-priority-over-none",
        ),
        pytest.param(
            entry("甲", score="91.5"),
            entry("乙", score="88"),
            "score",
            "与第2名相比：均可推荐，优先情形均为0项，得分 91.5 高于 88.0",
            id="higher-score",
        ),
        pytest.param(
            entry("甲", score="70"),
            entry("乙", score=None),
            "score",
            "与第2名相比：均可推荐，优先情形均为0项，得分 70.0，第2名无得分",
            id="score-over-none",
        ),
        pytest.param(
            entry("甲", score="88", submitted=at(1, 9)),
            entry("乙", score="88", submitted=at(1, 10)),
            "submitted_at",
            "与第2名相比：均可推荐，优先情形均为0项，得分相同（88.0），提交时间更早"
            "（2024-07-01 09:00:00 早于 2024-07-01 10:00:00）",
            id="tie-broken-by-submission",
        ),
        pytest.param(
            entry("甲", score="88", name="甲公司"),
            entry("乙", score="88", name="乙公司"),
            "name",
            "与第2名相比：均可推荐，优先情形均为0项，得分相同（88.0），提交时间相同，按名称拼音排序在前",
            id="full-tie-broken-by-name",
        ),
        pytest.param(
            entry("a", eligible=False, score="50"),
            entry("b", eligible=False, score="40"),
            "score",
            "与第2名相比：均不得推荐，优先情形均为0项，得分 50.0 高于 40.0",
            id="both-excluded",
        ),
    ],
)
def test_every_position_says_why_it_is_above_the_next(
    upper: RankEntry, lower: RankEntry, deciding: str, explanation: str
) -> None:
    first, second = rank([lower, upper])
    assert (first.key, first.position, first.deciding, first.explanation) == (
        upper.key,
        1,
        deciding,
        explanation,
    )
    assert (second.key, second.position, second.deciding, second.explanation) == (
        lower.key,
        2,
        "last",
        "末位",
    )


def test_a_single_entry() -> None:
    (only,) = rank([entry("甲")])
    assert (only.position, only.explanation) == (1, "唯一申报，无可比较对象")


def test_positions_compare_with_the_next_one() -> None:
    ranked = rank(
        [entry("甲", score="90"), entry("乙", score="80", priority=("F3",)), entry("丙", score="85")]
    )
    assert [(r.position, r.key) for r in ranked] == [(1, "乙"), (2, "甲"), (3, "丙")]
    assert ranked[1].explanation == "与第3名相比：均可推荐，优先情形均为0项，得分 90.0 高于 85.0"


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="排序对象编号重复：甲"):
        rank([entry("甲"), entry("甲", score="70")])


def test_the_quota_takes_eligible_entries_in_rank_order() -> None:
    ranked = rank(
        [
            entry("甲", score="95", eligible=False),
            entry("乙", score="90"),
            entry("丙", score="85"),
            entry("丁", score="80"),
        ]
    )
    assert within_quota(ranked, 2) == (["乙", "丙"], ["丁"])
    assert within_quota(ranked, 0) == ([], ["乙", "丙", "丁"])
    assert within_quota(ranked, 5) == (["乙", "丙", "丁"], [])


def test_a_negative_quota_is_refused() -> None:
    with pytest.raises(ValueError, match="推荐名额不能为负数"):
        within_quota(rank([entry("甲")]), -1)
