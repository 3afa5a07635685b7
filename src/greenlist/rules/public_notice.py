"""公示 (public notice) periods and the gate on the final list (pure; no Django).

The period counts calendar days with both ends included: Hebei's 2023 notice ran "5 days" from
2023-09-18 to 09-22 (gradient-and-dynamic-management.md §4). The number of days is data
(``data/public-notice/default.yaml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenlist.rules.datafiles import read_yaml


def period_end(start: dt.date, days: int) -> dt.date:
    """The last day of a ``days``-day notice starting on ``start`` (both included)."""
    if days < 1:
        raise ValueError("公示天数须至少为 1 天。")
    return start + dt.timedelta(days=days - 1)


def check_days(days: int, minimum: int, maximum: int) -> str:
    """Why ``days`` is not an acceptable period, or ""."""
    if days < minimum or days > maximum:
        return f"公示期为 {days} 天，超出实践中的 {minimum}–{maximum} 天，请调整。"
    return ""


# How far from today a 公示 may start: enough to record last year's notice or plan next
# year's; a date beyond is a typing error (and year 9999 would overflow the period's end).
START_WINDOW_DAYS = 366


def check_start(start: dt.date, today: dt.date) -> str:
    """Why ``start`` is not an acceptable first day of a notice, or ""."""
    if abs((start - today).days) > START_WINDOW_DAYS:
        return (
            f"公示开始日期 {start:%Y-%m-%d} 距今超过一年，请核对年份"
            f"（应在 {today - dt.timedelta(days=START_WINDOW_DAYS):%Y-%m-%d} 至 "
            f"{today + dt.timedelta(days=START_WINDOW_DAYS):%Y-%m-%d} 之间）。"
        )
    return ""


@dataclass(frozen=True)
class Gate:
    open: bool
    reasons: tuple[str, ...]


def final_list_gate(*, today: dt.date, end: dt.date, open_objections: int) -> Gate:
    """Whether the final list may be produced: only after the last day of the period and with
    every objection closed. ``reasons`` says what still blocks it."""
    reasons: list[str] = []
    if today <= end:
        reasons.append(
            f"公示期至 {end:%Y-%m-%d} 结束，公示期满后（{end + dt.timedelta(days=1):%Y-%m-%d} 起）方可形成最终名单。"
        )
    if open_objections > 0:
        reasons.append(f"尚有 {open_objections} 件异议未办结，须全部办结并记录处理结果后方可形成最终名单。")
    return Gate(open=not reasons, reasons=tuple(reasons))


@dataclass(frozen=True)
class NoticeParameters:
    days: int
    min_days: int
    max_days: int
    source: str


def load_notice_parameters(path: Path) -> NoticeParameters:
    raw: dict[str, Any] = read_yaml(path)
    return NoticeParameters(
        days=int(raw["days"]["value"]),
        min_days=int(raw["min_days"]["value"]),
        max_days=int(raw["max_days"]["value"]),
        source=str(raw["days"]["source"]),
    )
