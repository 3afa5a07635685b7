"""The final list after the 公示, as .xlsx and .docx: 序号, 名称, 类别, 所在地市 — the same
public fields the notice showed, nothing more."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from greenlist.selection.models import PublicNotice

COLUMNS = ("序号", "名称", "类别", "所在地市")


def final_title(notice: PublicNotice) -> str:
    return f"{notice.batch.title}最终名单"


def _rows(entries: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [
        (str(index), str(e["name"]), str(e["category_label"]), str(e["city"]))
        for index, e in enumerate(entries, start=1)
    ]


def final_xlsx(notice: PublicNotice, entries: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "最终名单"
    sheet.append([final_title(notice)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(COLUMNS))
    for row in _rows(entries):
        sheet.append([int(row[0]), *row[1:]])
    sheet.append([])
    sheet.append([f"公示期：{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}（{notice.days} 天）"])
    for column, width in zip("ABCD", (8, 48, 22, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def final_docx(notice: PublicNotice, entries: list[dict[str, Any]]) -> bytes:
    document = Document()
    heading = document.add_paragraph()
    run = heading.add_run(final_title(notice))
    run.bold = True
    run.font.size = Pt(16)
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = text
    for row in _rows(entries):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph(
        f"公示期：{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}（{notice.days} 天）"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
