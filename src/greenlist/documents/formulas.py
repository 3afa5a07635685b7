"""Spreadsheet formula injection: text that a spreadsheet would take for a formula is written as text.

An enterprise may name itself ``=HYPERLINK("http://…","点击查看")``; written as is into 附件1's
.xlsx or a CSV, Excel and LibreOffice evaluate it when the file is opened by a city or the province.
Every writer of .xlsx or .csv passes its text through here: text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is

- in .xlsx, a string cell (never a formula) carrying Excel's “quote prefix” mark, the
  apostrophe Excel shows when text is typed as ``'=…``; the value itself is unchanged;
- in .csv, prefixed with an apostrophe, as CSV has no types and every reader parses formulas.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def set_cell(cell: Cell | Any, value: object) -> Cell:
    """Write ``value`` into an openpyxl cell; text is always text, never a formula."""
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def csv_value(value: object) -> object:
    """``value`` for a CSV writer: formula-like text gets a leading apostrophe."""
    return f"'{value}" if formula_like(value) else value


def csv_row(values: Any) -> list[object]:
    return [csv_value(value) for value in values]
