"""Ranking a unit's applicants of one category, every position explained, and the quota cut (Q1).

Order (best first): eligible before excluded; then the category's own key where it has one
(parks: P2, listed first, then more green factories inside); then more priority findings (F3, P2, S2); then the
higher score (no score last); then the earlier submission (none last); then the name (pinyin
order); then the key,
so that the order never depends on the input's order. Each position says why it is above the next
one, naming the first key that differs — that is what a city reviewer is asked when a firm one
place below the cut complains.

The caller ranks one unit and one category at a time (the notice's quota and priorities are per
unit and category) and feeds the screening's verdicts: ``eligible`` is "no finding excludes",
``priority`` the rule ids of the priority findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from greenlist.scoring.systems import fmt


@dataclass(frozen=True)
class RankEntry:
    key: str  # caller's identifier (application id or uscc), echoed back
    name: str
    eligible: bool
    priority: tuple[str, ...] = ()  # rule id of each priority finding, e.g. ("F3",) or ("P2", "P2")
    score: Decimal | None = None
    submitted_at: dt.datetime | None = None  # all aware or all naive within one ranking
    # A category's own rank key, compared right after eligibility (parks: P2's key, listed first,
    # then more green factories inside), lower first; with the Chinese that explains it.
    category_key: tuple[int, ...] = ()
    category_text: str = ""

    @property
    def priority_count(self) -> int:
        return len(self.priority)


@dataclass(frozen=True)
class RankedEntry:
    position: int  # 1-based
    entry: RankEntry
    deciding: (
        str  # what put it above the next: eligibility | priority | score | submitted_at | name | key | last
    )
    explanation: str  # Chinese, e.g. "与第3名相比：均可推荐，优先情形2项多于1项"

    @property
    def key(self) -> str:
        return self.entry.key


def _sort_key(entry: RankEntry) -> tuple[object, ...]:
    return (
        not entry.eligible,
        entry.category_key,
        -entry.priority_count,
        entry.score is None,
        -(entry.score or Decimal(0)),
        entry.submitted_at is None,
        entry.submitted_at or dt.datetime.min,
        name_key(entry.name),
        entry.key,
    )


def name_key(name: str) -> bytes:
    """Names in pinyin order, as a Chinese list is read: GB18030 orders the 3,755 common (GB2312
    level-1) characters by pinyin, and every other character after them, deterministically."""
    return name.encode("gb18030")


def _score(score: Decimal | None) -> str:
    """ "91.5", "88.0": at least one decimal, as scores are written in evaluation reports."""
    if score is None:
        return "无得分"
    text = fmt(score)
    return text if "." in text else f"{text}.0"


def _time(moment: dt.datetime | None) -> str:
    return "未提交" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _priority(entry: RankEntry) -> str:
    if not entry.priority:
        return "0项"
    return f"{entry.priority_count}项（{'、'.join(entry.priority)}）"


def _why(upper: RankEntry, lower: RankEntry, lower_position: int) -> tuple[str, str]:
    """What puts ``upper`` above ``lower``, as (key name, Chinese sentence)."""
    head = f"与第{lower_position}名相比："
    if upper.eligible != lower.eligible:
        return "eligibility", f"{head}可推荐，第{lower_position}名不得推荐"
    said = "均可推荐" if upper.eligible else "均不得推荐"
    if upper.category_key != lower.category_key:
        return (
            "category",
            f"{head}{said}，{upper.category_text}，优于第{lower_position}名（{lower.category_text}）",
        )
    if upper.priority_count != lower.priority_count:
        return "priority", f"{head}{said}，优先情形{_priority(upper)}多于{_priority(lower)}"
    same_priority = f"优先情形均为{upper.priority_count}项"
    if upper.score != lower.score:
        if lower.score is None:
            return (
                "score",
                f"{head}{said}，{same_priority}，得分 {_score(upper.score)}，第{lower_position}名无得分",
            )
        return (
            "score",
            f"{head}{said}，{same_priority}，得分 {_score(upper.score)} 高于 {_score(lower.score)}",
        )
    same_score = f"得分相同（{_score(upper.score)}）" if upper.score is not None else "均无得分"
    if upper.submitted_at != lower.submitted_at:
        if lower.submitted_at is None:
            return (
                "submitted_at",
                f"{head}{said}，{same_priority}，{same_score}，已提交（{_time(upper.submitted_at)}），第{lower_position}名未提交",
            )
        return "submitted_at", (
            f"{head}{said}，{same_priority}，{same_score}，提交时间更早"
            f"（{_time(upper.submitted_at)} 早于 {_time(lower.submitted_at)}）"
        )
    same_time = "提交时间相同" if upper.submitted_at is not None else "均未提交"
    if upper.name != lower.name:
        return "name", f"{head}{said}，{same_priority}，{same_score}，{same_time}，按名称拼音排序在前"
    return "key", f"{head}{said}，各项完全相同，按编号排序在前"


def rank(entries: Iterable[RankEntry]) -> list[RankedEntry]:
    """Entries in rank order, each with its position and why it is above the next one."""
    ordered = sorted(entries, key=_sort_key)
    keys = [e.key for e in ordered]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"排序对象编号重复：{'、'.join(duplicates)}")
    ranked = []
    for index, entry in enumerate(ordered):
        if index + 1 < len(ordered):
            deciding, explanation = _why(entry, ordered[index + 1], index + 2)
        else:
            deciding = "last"
            explanation = "唯一申报，无可比较对象" if len(ordered) == 1 else "末位"
        ranked.append(RankedEntry(index + 1, entry, deciding, explanation))
    return ranked


def within_quota(ranked: Sequence[RankedEntry], quota: int) -> tuple[list[str], list[str]]:
    """(recommended keys, held-back keys): eligible entries in rank order up to ``quota`` (Q1) are
    recommended; eligible ones beyond it are held back. Excluded entries are in neither list — they
    are not held back by the quota but excluded by a rule."""
    if quota < 0:
        raise ValueError(f"推荐名额不能为负数：{quota}")
    eligible = [r.key for r in sorted(ranked, key=lambda r: r.position) if r.entry.eligible]
    return eligible[:quota], eligible[quota:]
