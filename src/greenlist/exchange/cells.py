"""Cell parsers for the exchange workbook. Each takes a raw cell (str, number, date, None) and
returns a value or raises :class:`CellError` with a Chinese reason."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Any
from zoneinfo import ZoneInfo

from greenlist.rules.uscc import ALPHABET, WEIGHTS, UsccError, validate_uscc

TZ = ZoneInfo("Asia/Shanghai")


class CellError(ValueError):
    pass


def text(raw: Any) -> str:
    if raw.__class__ is str:  # nearly every cell; skips the checks below on million-row sheets
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


# A code already in normal form (upper case, no spaces, legal characters, digits in positions 3–8):
# the only shape the fast path in uscc() accepts; everything else goes through validate_uscc.
_NORMAL_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_USCC_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def uscc(raw: Any) -> str:
    value = text(raw)
    # Fast path for well-formed codes (validate_uscc's check character, computed without its
    # per-character loop): a negative-record sheet holds millions of them. Anything it does not
    # accept, validate_uscc decides, with its messages.
    if (
        _NORMAL_USCC.fullmatch(value)
        and value[17] == ALPHABET[-sum(map(mul, map(_USCC_VALUE.__getitem__, value[:17]), WEIGHTS)) % 31]
    ):
        return value
    try:
        return validate_uscc(value)
    except UsccError as exc:
        raise CellError(str(exc)) from exc


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date(raw: Any) -> dt.date:
    if raw.__class__ is not str:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
    return _date_text(text(raw))


# Dates repeat heavily (a few thousand distinct days in millions of records), so the parsed text
# is kept; errors are not cached (lru_cache keeps results only) and are raised every time.
@functools.lru_cache(maxsize=8192)
def _date_text(value: str) -> dt.date:
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
