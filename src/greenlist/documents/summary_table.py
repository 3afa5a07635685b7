"""附件1 XX市2024年度国家绿色制造名单推荐汇总表, as .docx (the copy that is sealed) and .xlsx.

Layout, as in the notice: “附件1”, the title “<unit><year>年度国家绿色制造名单推荐汇总表”, three
tables — 绿色工厂推荐名单 / 绿色工业园区推荐名单 / 绿色供应链管理企业推荐名单 — each opening with
a row holding its name across all columns and a row of the notice's columns (序号, 工厂名称 /
园区名称 / 企业名称, 第三方机构名称, 行业 / 类型, 是否列入省级绿色名单), then the block
“推荐单位：… （单位公章） 年 月 日”. The province-wide edition inserts a 推荐单位 column after 序号.

The .docx tables are written as XML in one piece rather than cell by cell through python-docx's
object API: a province's table runs to a thousand rows, and the object API re-walks the table for
every cell (see bench/documents.py).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from greenlist.documents.data import NONE_TEXT, SELF_EVALUATION_TEXT, SummaryRow, SummaryTable
from greenlist.documents.formulas import set_cell
from greenlist.documents.layouts import Column
from greenlist.documents.styles import (
    BODY_FONT,
    HEADING_FONT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    SANHAO,
    TABLE_FONT,
    TITLE_FONT,
    WUHAO,
    XIAOER,
    XIAOSI,
    FontChoice,
    date_text,
    docx_bytes,
    new_document,
    paragraph,
    twips,
)

SEAL_TEXT = "（单位公章）"
# The columns, their headers and widths, the sub-tables and the title come from the batch's
# layout file (data/layouts/, documents.layouts); the 2024 file holds the notice's 附件1.

# XML 1.0 forbids these control characters; names pasted from other systems sometimes carry them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _value(field: str, position: int, row: SummaryRow) -> str:
    if field == "serial":
        return str(position)
    if field == "evaluator":
        return row.evaluator or SELF_EVALUATION_TEXT
    if field == "on_provincial_list":
        return "是" if row.on_provincial_list else "否"
    return str(getattr(row, field))


def row_cells(position: int, row: SummaryRow, columns: Sequence[Column]) -> list[str]:
    return [_value(c.field, position, row) for c in columns]


def _rows(columns: Sequence[Column], rows: Sequence[SummaryRow]) -> list[list[str]]:
    if not rows:
        # An empty sub-table keeps one row saying 无, so the sealed page shows nothing was cut off.
        return [[NONE_TEXT if c.field == "name" else "" for c in columns]]
    return [row_cells(i, row, columns) for i, row in enumerate(rows, start=1)]


def _sections(table: SummaryTable) -> list[tuple[str, list[str], list[list[str]]]]:
    layout, edition = table.shape, table.edition
    columns = layout.columns_of(edition)
    return [
        (section.title, layout.headers(section, edition), _rows(columns, table.rows_of(section.category)))
        for section in layout.sections
    ]


def _docx_widths(table: SummaryTable) -> tuple[int, ...]:
    return tuple(c.width_mm[table.edition] for c in table.shape.columns_of(table.edition))


def _xlsx_widths(table: SummaryTable) -> tuple[int, ...]:
    return tuple(c.xlsx_width[table.edition] for c in table.shape.columns_of(table.edition))


# ---------------------------------------------------------------------------------------------
# .docx


def _text(value: str) -> str:
    return escape(_INVALID_XML.sub("", value))


def _cell(width: int, style: str, text: str, span: int = 1) -> str:
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    run = f'<w:r><w:t xml:space="preserve">{_text(text)}</w:t></w:r>' if text else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}</w:p></w:tc>'
    )


def _table_xml(title: str, header: list[str], rows: list[list[str]], widths_mm: Sequence[int]) -> str:
    widths = [twips(mm) for mm in widths_mm]
    total = sum(widths)
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    borders = "".join(
        f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    # cantSplit: a row never breaks across pages; tblHeader: the title and column rows repeat on
    # every page the table runs onto; fixed layout: the widths hold whatever the text.
    head_tr = '<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="454"/><w:tblHeader/></w:trPr>'
    body_tr = '<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="397"/></w:trPr>'
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>",
        f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>',
        f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>',
        '<w:tblLayout w:type="fixed"/>',
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>',
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
        head_tr,
        _cell(total, "GLTableTitle", title, span=len(widths)),
        "</w:tr>",
        head_tr,
        *(_cell(w, "GLTableHead", h) for w, h in zip(widths, header, strict=True)),
        "</w:tr>",
    ]
    for cells in rows:
        parts.append(body_tr)
        parts.extend(_cell(w, "GLTableText", c) for w, c in zip(widths, cells, strict=True))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def summary_table_docx(table: SummaryTable) -> bytes:
    """附件1 as a Word document: A4 portrait, bordered tables, headers repeated on every page."""
    document = new_document(table.title, table.bureau)
    paragraph(document, "GLLabel", table.shape.label)
    title = paragraph(document, "GLTitle", table.title)
    # 小二 rather than the letter's 二号: the attachment's title then fits one line of the 156mm block.
    title.runs[0].font.size = Pt(XIAOER)
    body = document.element.body
    widths = _docx_widths(table)
    for index, (section_title, header, rows) in enumerate(_sections(table)):
        # A paragraph between tables: two adjacent tables would merge into one in Word.
        spacer = paragraph(document, "GLTableText")
        spacer.paragraph_format.keep_with_next = True
        if index == 0:
            spacer.paragraph_format.space_before = None
        body.sectPr.addprevious(parse_xml(_table_xml(section_title, header, rows, widths)))
    paragraph(document, "GLPlain")
    # The signature block keeps together so the seal never lands on a page of its own.
    paragraph(document, "GLSignature", f"推荐单位：{table.bureau}")
    paragraph(document, "GLSignature", SEAL_TEXT)
    last = paragraph(document, "GLSignature", date_text(table.date))
    last.paragraph_format.keep_with_next = False
    return docx_bytes(document)


# ---------------------------------------------------------------------------------------------
# .xlsx


def _font(font: FontChoice, size: float, bold: bool = False) -> Font:
    # charset 134 (GB2312) makes Excel and WPS substitute a Chinese face when the named one is missing.
    return Font(name=font.name, size=size, bold=bold, charset=134)


# Excel column widths, in widths of the default font's digit 0 (a Chinese character takes about
# two); the page is fitted to the width when printed, so only the proportions matter.
_LINE_PT = 14.0  # one line of 五号 text in a cell


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _row_height(cells: Sequence[str], widths: Sequence[int]) -> float:
    """Row height for the wrapped text. Excel computes this when it edits a row but not when it
    opens a file, and LibreOffice keeps the stored default, so wrapped names would overlap."""
    lines = max(
        math.ceil(_display_width(text) / max(1, width - 1)) if text else 1
        for text, width in zip(cells, widths, strict=True)
    )
    return max(1, lines) * _LINE_PT + 4


def summary_table_xlsx(table: SummaryTable) -> bytes:
    """附件1 as one worksheet: merged title, bordered tables, A4 portrait fitted to the page width."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "推荐汇总表"
    widths = _xlsx_widths(table)
    columns = len(widths)
    last = get_column_letter(columns)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_font, head_font = _font(TABLE_FONT, WUHAO), _font(TABLE_FONT, WUHAO, bold=True)

    def merged(row: int, text: str, font: Font, height: float, align: Alignment, bordered: bool) -> None:
        set_cell(sheet.cell(row=row, column=1), text)
        sheet.merge_cells(f"A{row}:{last}{row}")
        for column in range(1, columns + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.alignment = font, align
            if bordered:
                cell.border = border
        sheet.row_dimensions[row].height = height

    set_cell(sheet.cell(row=1, column=1), table.shape.label).font = _font(HEADING_FONT, SANHAO)
    merged(2, table.title, _font(TITLE_FONT, XIAOER), 36, centre, bordered=False)
    row = 3
    for section_title, header, rows in _sections(table):
        row += 1  # a blank row between the tables, as in the notice
        merged(row, section_title, _font(HEADING_FONT, XIAOSI), 24, centre, bordered=True)
        row += 1
        for column, text in enumerate(header, start=1):
            cell = set_cell(sheet.cell(row=row, column=column), text)
            cell.font, cell.alignment, cell.border = head_font, centre, border
        sheet.row_dimensions[row].height = _row_height(header, widths)
        for cells in rows:
            row += 1
            for column, text in enumerate(cells, start=1):
                value: str | int = int(text) if column == 1 and text.isdigit() else text
                # Names and evaluators are the applicants' own text: never a formula.
                cell = set_cell(sheet.cell(row=row, column=column), value)
                cell.font, cell.alignment, cell.border = body_font, centre, border
            sheet.row_dimensions[row].height = _row_height(cells, widths)
    right = Alignment(horizontal="right", vertical="center")
    row += 1  # a blank row before the signature block
    for text in (f"推荐单位：{table.bureau}", SEAL_TEXT, date_text(table.date)):
        row += 1
        merged(row, text, _font(BODY_FONT, SANHAO), 24, right, bordered=False)

    # Print: A4 portrait, the GB/T 9704 margins, fitted to one page wide, as many pages tall as needed.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    inch = 25.4
    sheet.page_margins = PageMargins(
        left=MARGIN_LEFT_MM / inch,
        right=MARGIN_RIGHT_MM / inch,
        top=MARGIN_TOP_MM / inch,
        bottom=MARGIN_BOTTOM_MM / inch,
        header=0.5,
        footer=0.6,
    )
    # Excel repeats one block of rows per sheet, and the three tables have different column rows,
    # so the repeated rows are “附件1” and the title; each table's own column row follows it.
    sheet.print_title_rows = "1:2"
    sheet.print_area = f"A1:{last}{row}"
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl creates every worksheet with its header and footer items
    footer.center.text = "第 &P 页 共 &N 页"
    footer.center.font = TABLE_FONT.name
    footer.center.size = 10
    out = io.BytesIO()
    workbook.properties.title = table.title
    workbook.properties.creator = table.bureau
    workbook.save(out)
    return out.getvalue()
