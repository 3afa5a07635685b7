"""Reads the exchange workbook (.xlsx) or one sheet as .csv, streaming, into parsed rows.

Nothing here touches the database: the reader turns cells into values and reports every bad
cell with its sheet, row number, column and reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from greenlist.documents.uploads import UploadLimits, UploadRefused, inspect_upload
from greenlist.exchange.cells import CellError
from greenlist.exchange.sheets import BY_NAME, SHEETS, Sheet

NUL_IN_CELL = "单元格含有不可见的空字符（NUL），请删除后重新导入"


class WorkbookError(ValueError):
    """The file as a whole cannot be read (wrong type, no recognised sheet)."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"【{self.sheet}】第{self.row}行 “{self.column}”：{self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class SheetSource:
    sheet: Sheet
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number in the file, cell values)
    total: int | None = None  # rows in the sheet, when known cheaply (for progress)


def _header(value: Any) -> str:
    return "".join(str(value or "").split())


def open_sources(path: Path, limits: UploadLimits | None = None) -> list[SheetSource]:
    """The file's recognised sheets, after the upload checks every upload path shares (openpyxl
    holds a workbook's shared strings in memory, so their count is bounded before it opens it)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise WorkbookError(
            f"不支持的文件类型“{suffix}”：请上传 .xlsx 工作簿，或单个工作表的 .csv（UTF-8）文件。"
        )
    limits = limits or UploadLimits.configured()
    kind = "csv" if suffix == ".csv" else "xlsx"
    try:
        inspect_upload(path.name, path, {kind}, limits.max_workbook_bytes, limits=limits)
    except UploadRefused as refusal:
        if kind == "xlsx" and refusal.code in ("type_not_allowed", "unknown_type", "encoding", "corrupt"):
            raise WorkbookError(
                f"无法读取工作簿“{path.name}”：文件已损坏或不是 .xlsx 格式（{refusal}）。"
            ) from refusal
        raise WorkbookError(f"“{path.name}”未导入：{refusal}") from refusal
    if kind == "csv":
        return [_csv_source(path)]
    return _xlsx_sources(path)


def sheet_for_csv(path: Path) -> Sheet:
    stem = path.stem
    matches = [sheet for sheet in SHEETS if sheet.name in stem]
    if len(matches) != 1:
        raise WorkbookError(
            f"无法从文件名“{path.name}”识别工作表：CSV 文件名须包含一个工作表名称（{'、'.join(BY_NAME)}），如“负面记录.csv”。"
        )
    return matches[0]


def _csv_source(path: Path) -> SheetSource:
    sheet = sheet_for_csv(path)
    try:
        handle = io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline="")
        reader = csv.reader(handle)
        headers = [_header(h) for h in next(reader, [])]
    except UnicodeDecodeError as exc:
        raise WorkbookError(f"“{path.name}”不是 UTF-8 编码的 CSV 文件，请另存为“CSV UTF-8”。") from exc

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(reader, start=2)  # csv.reader already yields a fresh list per row
        except UnicodeDecodeError as exc:
            raise WorkbookError(f"“{path.name}”含有非 UTF-8 字符，请另存为“CSV UTF-8”。") from exc
        finally:
            handle.close()

    return SheetSource(sheet, headers, rows())


def _xlsx_sources(path: Path) -> list[SheetSource]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise WorkbookError(f"无法读取工作簿“{path.name}”：文件已损坏或不是 .xlsx 格式。") from exc
    sources = []
    for title in book.sheetnames:
        sheet = BY_NAME.get(title.strip())
        if sheet is None:
            continue
        worksheet = book[title]
        iterator = worksheet.iter_rows(values_only=True)
        headers = [_header(h) for h in next(iterator, ())]
        numbered = ((number, list(row)) for number, row in enumerate(iterator, start=2))
        sources.append(SheetSource(sheet, headers, numbered, total=max((worksheet.max_row or 1) - 1, 0)))
    if not sources:
        raise WorkbookError(
            f"工作簿“{path.name}”中没有可识别的工作表；工作表名称应为：{'、'.join(BY_NAME)}。"
        )
    order = {sheet.name: index for index, sheet in enumerate(SHEETS)}
    return sorted(sources, key=lambda source: order[source.sheet.name])


def header_errors(source: SheetSource) -> list[RowError]:
    present = set(source.headers)
    return [
        RowError(source.sheet.name, 1, header, "缺少必需的列（请使用系统提供的模板）")
        for header in source.sheet.required_headers
        if header not in present
    ]


def _blank(cells: list[Any]) -> bool:
    """Every cell empty or whitespace (a loop rather than all(): it runs once per row)."""
    for cell in cells:
        if cell is not None and (cell.strip() if cell.__class__ is str else str(cell).strip()):
            return False
    return True


def parse(source: SheetSource) -> Iterator[tuple[int, dict[str, Any] | None, list[RowError]]]:
    """Yield (row number, parsed row or None, errors) for every non-empty row."""
    sheet = source.sheet
    name = sheet.name
    positions = {header: index for index, header in enumerate(source.headers) if header}
    # Everything about a column resolved once: the loop below runs once per cell of sheets with
    # millions of rows, where attribute and property lookups were a measurable share of the time.
    plan = [
        (
            column.key,
            positions.get(column.header),
            column.parse,
            column.required,
            column.empty_value,
            column.header,
        )
        for column in sheet.columns
    ]
    for number, cells in source.rows:
        if _blank(cells):
            continue
        width = len(cells)
        parsed: dict[str, Any] = {}
        errors: list[RowError] = []
        for key, index, parse_cell, required, empty, header in plan:
            raw = cells[index] if index is not None and index < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                parsed[key] = empty
                if required:
                    errors.append(RowError(name, number, header, "必填项为空"))
                continue
            if raw.__class__ is str and "\x00" in raw:
                # PostgreSQL cannot store NUL; saying so here keeps it a row error, not a crash.
                errors.append(RowError(name, number, header, NUL_IN_CELL))
                parsed[key] = None
                continue
            try:
                parsed[key] = parse_cell(raw)
            except CellError as exc:
                errors.append(RowError(name, number, header, str(exc)))
                parsed[key] = None
        if not errors:
            errors = [RowError(name, number, header, reason) for header, reason in sheet.check(parsed)]
        yield number, (None if errors else parsed), errors
