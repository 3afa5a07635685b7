"""The province's summary of approved register changes to send on (名单动态调整情况汇总表), as
.docx and .xlsx, in the layout of the other official documents (GB/T 9704 page, 五号宋体
bordered tables with repeated header rows, the sender and date block).

Two tables: 撤销名单 (removals) and 更名名单 (renames), each numbered from 1.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx.oxml import parse_xml
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from greenlist.documents.formulas import set_cell
from greenlist.documents.styles import (
    BODY_FONT,
    HEADING_FONT,
    SANHAO,
    TABLE_FONT,
    TITLE_FONT,
    WUHAO,
    XIAOER,
    XIAOSI,
    date_text,
    docx_bytes,
    new_document,
    paragraph,
)
from greenlist.documents.summary_table import _font, _row_height, _table_xml

REMOVAL_HEADER = [
    "序号",
    "推荐单位",
    "单位名称",
    "统一社会信用代码",
    "类别及级别",
    "列入年份",
    "撤销理由",
    "撤销日期",
]
RENAME_HEADER = ["序号", "推荐单位", "原名称", "新名称", "统一社会信用代码", "类别及级别", "更名日期"]
# Column widths in mm; each table fills the 156 mm text block.
REMOVAL_WIDTHS = (10, 16, 32, 30, 20, 12, 22, 14)
RENAME_WIDTHS = (10, 16, 32, 32, 30, 20, 16)
XLSX_REMOVAL_WIDTHS = (6, 10, 30, 22, 18, 8, 30, 12)
XLSX_RENAME_WIDTHS = (6, 10, 30, 30, 22, 18, 12)


@dataclass(frozen=True)
class RemovalRow:
    unit: str
    name: str
    uscc: str
    kind: str  # 类别及级别, e.g. 省级绿色工厂
    year: int
    reason: str
    effective_on: dt.date
    document_number: str = ""


@dataclass(frozen=True)
class RenameRow:
    unit: str
    old_name: str
    new_name: str
    uscc: str
    kind: str
    effective_on: dt.date


@dataclass(frozen=True)
class ProposalSummary:
    province: str
    bureau: str
    date: dt.date | None
    removals: Sequence[RemovalRow] = field(default_factory=tuple)
    renames: Sequence[RenameRow] = field(default_factory=tuple)
    year: int | None = None  # the year the changes take effect in, when the summary is for one

    @property
    def title(self) -> str:
        period = f"{self.year}年度" if self.year else ""
        return f"{self.province}{period}绿色制造名单动态调整情况汇总表"

    def sections(self) -> list[tuple[str, list[str], list[list[str]], Sequence[int], Sequence[int]]]:
        removals = [
            [
                str(index),
                r.unit,
                r.name,
                r.uscc,
                r.kind,
                str(r.year),
                r.reason + (f"（{r.document_number}）" if r.document_number else ""),
                r.effective_on.isoformat(),
            ]
            for index, r in enumerate(self.removals, start=1)
        ]
        renames = [
            [str(index), r.unit, r.old_name, r.new_name, r.uscc, r.kind, r.effective_on.isoformat()]
            for index, r in enumerate(self.renames, start=1)
        ]
        return [
            (
                f"一、撤销名单（{len(removals)}家）",
                REMOVAL_HEADER,
                removals or [["", "无", *[""] * (len(REMOVAL_HEADER) - 2)]],
                REMOVAL_WIDTHS,
                XLSX_REMOVAL_WIDTHS,
            ),
            (
                f"二、更名名单（{len(renames)}家）",
                RENAME_HEADER,
                renames or [["", "无", *[""] * (len(RENAME_HEADER) - 2)]],
                RENAME_WIDTHS,
                XLSX_RENAME_WIDTHS,
            ),
        ]


def proposal_summary_docx(summary: ProposalSummary) -> bytes:
    document = new_document(summary.title, summary.bureau)
    title = paragraph(document, "GLTitle", summary.title)
    title.runs[0].font.size = Pt(XIAOER)
    body = document.element.body
    for section_title, header, rows, widths, _ in summary.sections():
        spacer = paragraph(document, "GLTableText")
        spacer.paragraph_format.keep_with_next = True
        body.sectPr.addprevious(parse_xml(_table_xml(section_title, header, rows, widths)))
    paragraph(document, "GLPlain")
    paragraph(document, "GLSignature", summary.bureau)
    last = paragraph(document, "GLSignature", date_text(summary.date))
    last.paragraph_format.keep_with_next = False
    return docx_bytes(document)


def proposal_summary_xlsx(summary: ProposalSummary) -> bytes:
    """One worksheet per table, each with the title row and a bordered table."""
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_font, head_font = _font(TABLE_FONT, WUHAO), _font(TABLE_FONT, WUHAO, bold=True)
    for section_title, header, rows, _, widths in summary.sections():
        sheet = workbook.create_sheet(section_title.split("、", 1)[1].split("（", 1)[0])
        last = get_column_letter(len(header))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        set_cell(sheet.cell(row=1, column=1), summary.title).font = _font(TITLE_FONT, XIAOER)
        sheet.merge_cells(f"A1:{last}1")
        sheet.cell(row=1, column=1).alignment = centre
        sheet.row_dimensions[1].height = 36
        set_cell(sheet.cell(row=2, column=1), section_title).font = _font(HEADING_FONT, XIAOSI)
        sheet.merge_cells(f"A2:{last}2")
        for column, text in enumerate(header, start=1):
            cell = set_cell(sheet.cell(row=3, column=column), text)
            cell.font, cell.alignment, cell.border = head_font, centre, border
        for offset, cells in enumerate(rows, start=4):
            for column, text in enumerate(cells, start=1):
                value: str | int = int(text) if column == 1 and text.isdigit() else text
                # Names and reasons are people's own text: never a formula.
                cell = set_cell(sheet.cell(row=offset, column=column), value)
                cell.font, cell.alignment, cell.border = body_font, centre, border
            sheet.row_dimensions[offset].height = _row_height(cells, widths)
        end = 4 + len(rows) + 1
        for text in (summary.bureau, date_text(summary.date)):
            set_cell(sheet.cell(row=end, column=1), text).font = _font(BODY_FONT, SANHAO)
            sheet.merge_cells(f"A{end}:{last}{end}")
            sheet.cell(row=end, column=1).alignment = Alignment(horizontal="right")
            end += 1
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.print_title_rows = "1:3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
