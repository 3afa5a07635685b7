"""Cell parsers for the exchange workbook. Each takes a raw cell (str, number, date, None) and
returns a value or raises :class:`CellError` with a Chinese reason."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from greenlist.rules.uscc import UsccError, validate_uscc

TZ = ZoneInfo("Asia/Shanghai")


class CellError(ValueError):
    pass


def text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def uscc(raw: Any) -> str:
    try:
        return validate_uscc(text(raw))
    except UsccError as exc:
        raise CellError(str(exc)) from exc


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = text(raw)
    match = _DATE.match(value)
    if not match:
        raise CellError(f"日期“{value}”格式不对，应为日期单元格或 YYYY-MM-DD 文本，如 2023-05-01")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise CellError(f"日期“{value}”不存在") from exc


_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def moment(raw: Any) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=TZ)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day, tzinfo=TZ)
    value = text(raw)
    match = _DATETIME.match(value)
    if not match:
        raise CellError(f"时间“{value}”格式不对，应为 YYYY-MM-DD HH:MM 或日期单元格")
    try:
        year, month, day, hour, minute, second = (int(p) if p else 0 for p in match.groups())
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=TZ)
    except ValueError as exc:
        raise CellError(f"时间“{value}”不存在") from exc


def number(raw: Any, *, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
    value = text(raw).removesuffix("%")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise CellError(f"“{value}”不是数字") from exc
    if not result.is_finite():
        raise CellError(f"“{value}”不是有限数字")
    if (low is not None and result < low) or (high is not None and result > high):
        raise CellError(f"数值 {value} 超出范围（{low}–{high}）")
    return result


def yes_no(raw: Any) -> bool:
    value = text(raw)
    if value in ("是", "Y", "y", "yes", "1", "TRUE", "True", "true"):
        return True
    if value in ("否", "N", "n", "no", "0", "FALSE", "False", "false"):
        return False
    raise CellError(f"“{value}”应填“是”或“否”")


def choice(raw: Any, options: dict[str, str], what: str) -> str:
    """Chinese label → code name; the message lists the allowed labels."""
    value = text(raw)
    if value in options:
        return options[value]
    raise CellError(f"{what}“{value}”无效，可选：{'、'.join(options)}")
