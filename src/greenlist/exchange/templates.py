"""Blank templates of the exchange workbook: one .xlsx with every sheet, or one .csv per sheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from greenlist.documents.formulas import csv_row, set_cell
from greenlist.exchange.sheets import BY_NAME, SHEETS, Column, Sheet
from greenlist.rules.vocabulary import (
    Category,
    LabelledEnum,
    ListLevel,
    ListStatus,
    Method,
    ParkLevel,
    RecordType,
)

CHOICES: dict[str, type[LabelledEnum]] = {
    "申报类别": Category,
    "类别": Category,
    "评价方式": Method,
    "级别": ListLevel,
    "状态": ListStatus,
    "园区级别": ParkLevel,
    "类型": RecordType,
}
YES_NO = {"无结果承诺声明", "主要功能为产品制造和能源供给", "有法定边界和范围", "有统一管理机构"}
HEADER_FILL = PatternFill("solid", fgColor="1F7A4D")
REQUIRED_FILL = PatternFill("solid", fgColor="145C39")


def _allowed(column: Column) -> str:
    if column.header in CHOICES:
        return "、".join(member.label for member in CHOICES[column.header])
    if column.header in YES_NO:
        return "是、否"
    return ""


def _append(worksheet: Worksheet, values: list[str]) -> None:
    worksheet.append(values)
    for cell in worksheet[worksheet.max_row]:
        set_cell(cell, cell.value)  # an example such as “-” stays text


def workbook_bytes(sheets: tuple[Sheet, ...] = SHEETS) -> bytes:
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "填写说明"
    _append(guide, ["工作表", "列名", "必填", "可选值", "示例", "说明"])
    for cell in guide[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for sheet in sheets:
        for column in sheet.columns:
            _append(
                guide,
                [
                    sheet.name,
                    column.header,
                    "是" if column.required else "",
                    _allowed(column),
                    column.example,
                    sheet.description,
                ],
            )
        ws = book.create_sheet(sheet.name)
        _append(ws, [column.header for column in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
            allowed = _allowed(column)
            if allowed:
                validation = DataValidation(
                    type="list",
                    formula1=f'"{allowed.replace("、", ",")}"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="取值无效",
                    error=f"可选：{allowed}",
                )
                ws.add_data_validation(validation)
                validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
        ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (12, 30, 6, 40, 24, 50), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(column.header for column in sheet.columns))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def write_templates(target: Path) -> list[Path]:
    """``target`` ending in .xlsx: one workbook; otherwise a folder with one .csv per sheet."""
    if target.suffix.lower() == ".xlsx":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(workbook_bytes())
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, sheet in BY_NAME.items():
        path = target / f"{name}.csv"
        path.write_bytes(csv_bytes(sheet))
        written.append(path)
    return written
