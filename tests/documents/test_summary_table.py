"""附件1 推荐汇总表 as .docx and .xlsx, read back with python-docx and openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from greenlist.documents import SummaryRow, SummaryTable, summary_table_docx, summary_table_xlsx
from greenlist.documents.styles import TEXT_WIDTH_MM, twips
from tests.documents.helpers import read_part

# Deliberately not alphabetical: the table keeps the unit's recommended order.
FACTORIES = [
    SummaryRow("唐山丙钢铁有限公司", "河北甲评价中心", "钢铁", True),
    SummaryRow("唐山甲玻璃有限公司", "", "玻璃", True),
    SummaryRow("唐山乙水泥有限公司", "北京乙认证有限公司", "水泥", False),
]
SUPPLY_CHAINS = [
    SummaryRow("唐山某汽车股份有限公司", "河北甲评价中心", "汽车", True),
    SummaryRow("唐山某机械有限公司 & <子>", "", "机械", False),
]
TABLE = SummaryTable(
    unit_name="唐山市",
    year="2024",
    bureau="唐山市工业和信息化局",
    factories=FACTORIES,
    parks=[],
    supply_chains=SUPPLY_CHAINS,
    date=dt.date(2024, 7, 16),
)
HEADERS = [
    ["序号", "工厂名称", "第三方机构名称", "行业", "是否列入省级绿色名单"],
    ["序号", "园区名称", "第三方机构名称", "类型", "是否列入省级绿色名单"],
    ["序号", "企业名称", "第三方机构名称", "行业", "是否列入省级绿色名单"],
]
TITLES = ["绿色工厂推荐名单", "绿色工业园区推荐名单", "绿色供应链管理企业推荐名单"]


def open_docx(table: SummaryTable = TABLE) -> docx.document.Document:
    return docx.Document(io.BytesIO(summary_table_docx(table)))


def texts(row: object) -> list[str]:
    return [cell.text for cell in row.cells]  # type: ignore[attr-defined]


def test_docx_title_label_and_signature_block() -> None:
    paragraphs = [p.text for p in open_docx().paragraphs if p.text]
    assert paragraphs[0] == "附件1"
    assert paragraphs[1] == "唐山市2024年度国家绿色制造名单推荐汇总表"
    assert paragraphs[-3:] == ["推荐单位：唐山市工业和信息化局", "（单位公章）", "2024年7月16日"]


def test_docx_without_date_leaves_the_date_to_be_written_by_hand() -> None:
    undated = SummaryTable("唐山市", "2024", "唐山市工业和信息化局", FACTORIES)
    assert [p.text for p in open_docx(undated).paragraphs if p.text][-1] == "年    月    日"


def test_docx_has_the_notices_three_tables_columns_and_row_order() -> None:
    tables = open_docx().tables
    assert len(tables) == 3
    for table, title, header in zip(tables, TITLES, HEADERS, strict=True):
        assert set(texts(table.rows[0])) == {title}  # one cell merged across all columns
        assert texts(table.rows[1]) == header
    factories = [texts(row) for row in tables[0].rows[2:]]
    assert factories == [
        ["1", "唐山丙钢铁有限公司", "河北甲评价中心", "钢铁", "是"],
        ["2", "唐山甲玻璃有限公司", "自评价", "玻璃", "是"],
        ["3", "唐山乙水泥有限公司", "北京乙认证有限公司", "水泥", "否"],
    ]
    assert [texts(row) for row in tables[1].rows[2:]] == [["", "无", "", "", ""]]
    chains = [texts(row) for row in tables[2].rows[2:]]
    assert [row[1] for row in chains] == ["唐山某汽车股份有限公司", "唐山某机械有限公司 & <子>"]
    assert len(chains) == len(SUPPLY_CHAINS)


def test_docx_tables_have_real_borders_repeated_headers_and_unsplit_rows() -> None:
    for table in open_docx().tables:
        tbl = table._tbl
        borders = tbl.tblPr.find(qn("w:tblBorders"))
        sides = {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}
        assert sides == dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), "single")
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - twips(TEXT_WIDTH_MM)) <= len(grid)
        rows = tbl.findall(qn("w:tr"))
        for index, tr in enumerate(rows):
            props = tr.find(qn("w:trPr"))
            assert props.find(qn("w:cantSplit")) is not None
            assert (props.find(qn("w:tblHeader")) is not None) == (index < 2)


def test_docx_page_is_a4_with_official_margins() -> None:
    section = open_docx().sections[0]
    # Word stores lengths in twips, so millimetres come back to within a twip (0.02mm).
    assert (section.page_width.mm, section.page_height.mm) == (
        pytest.approx(210, abs=0.05),
        pytest.approx(297, abs=0.05),
    )
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [m.mm for m in margins] == pytest.approx([37, 35, 28, 26], abs=0.05)


def test_docx_names_chinese_fonts_in_every_slot_with_fallbacks() -> None:
    document = open_docx()
    styles = document.styles
    for style_name, font in (
        ("GL Table Text", "宋体"),
        ("GL Title", "方正小标宋简体"),
        ("Normal", "仿宋_GB2312"),
    ):
        rfonts = styles[style_name].element.rPr.find(qn("w:rFonts"))
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert rfonts.get(qn(slot)) == font, (style_name, slot)
    defaults = styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None  # a theme font would win
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    font_table = read_part(summary_table_docx(TABLE), "word/fontTable.xml").decode()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="黑体"/>' in font_table
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert '<w:charset w:val="86"/>' in font_table


def test_province_wide_edition_adds_the_unit_column_and_takes_the_province_name() -> None:
    province = SummaryTable(
        unit_name="河北省",
        year="2024",
        bureau="河北省工业和信息化厅",
        factories=[
            SummaryRow("石家庄甲公司", "甲机构", "医药", True, unit="石家庄市"),
            SummaryRow("雄安乙公司", "", "电子", False, unit="雄安新区"),
        ],
        province_wide=True,
    )
    document = open_docx(province)
    assert [p.text for p in document.paragraphs if p.text][1] == "河北省2024年度国家绿色制造名单推荐汇总表"
    factories = document.tables[0]
    assert texts(factories.rows[1]) == [
        "序号",
        "推荐单位",
        "工厂名称",
        "第三方机构名称",
        "行业",
        "是否列入省级绿色名单",
    ]
    assert [texts(r) for r in factories.rows[2:]] == [
        ["1", "石家庄市", "石家庄甲公司", "甲机构", "医药", "是"],
        ["2", "雄安新区", "雄安乙公司", "自评价", "电子", "否"],
    ]
    assert texts(document.tables[1].rows[2]) == ["", "", "无", "", "", ""]


def test_control_characters_in_names_are_dropped_not_fatal() -> None:
    table = SummaryTable(
        "唐山市", "2024", "唐山市工业和信息化局", [SummaryRow("甲\x0b公司\x00", "", "钢铁", True)]
    )
    assert open_docx(table).tables[0].rows[2].cells[1].text == "甲公司"


def test_a_thousand_rows_are_all_written_in_order() -> None:
    rows = [SummaryRow(f"企业{i:04d}", "机构", "行业", i % 2 == 0) for i in range(1000)]
    table = SummaryTable("河北省", "2024", "河北省工业和信息化厅", rows)
    written = open_docx(table).tables[0].rows[2:]
    assert [row.cells[1].text for row in written] == [r.name for r in rows]


# ---------------------------------------------------------------------------------------------
# .xlsx


def open_xlsx(table: SummaryTable = TABLE):  # type: ignore[no-untyped-def]
    workbook = load_workbook(io.BytesIO(summary_table_xlsx(table)))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def values(sheet, row: int, width: int = 5) -> list[object]:  # type: ignore[no-untyped-def]
    return [sheet.cell(row=row, column=c).value for c in range(1, width + 1)]


def find_row(sheet, value: str) -> int:  # type: ignore[no-untyped-def]
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == value:
            return row
    raise AssertionError(value)


def test_xlsx_has_merged_title_three_tables_and_signature() -> None:
    sheet = open_xlsx()
    assert sheet.title == "推荐汇总表"
    assert sheet["A1"].value == "附件1"
    assert sheet["A2"].value == "唐山市2024年度国家绿色制造名单推荐汇总表"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A2:E2" in merged
    for title, header in zip(TITLES, HEADERS, strict=True):
        row = find_row(sheet, title)
        assert f"A{row}:E{row}" in merged
        assert values(sheet, row + 1) == header
    first = find_row(sheet, "绿色工厂推荐名单") + 2
    assert [values(sheet, first + i) for i in range(3)] == [
        [1, "唐山丙钢铁有限公司", "河北甲评价中心", "钢铁", "是"],
        [2, "唐山甲玻璃有限公司", "自评价", "玻璃", "是"],
        [3, "唐山乙水泥有限公司", "北京乙认证有限公司", "水泥", "否"],
    ]
    assert values(sheet, find_row(sheet, "绿色工业园区推荐名单") + 2) == [None, "无", None, None, None]
    tail = [sheet.cell(row=r, column=1).value for r in range(sheet.max_row - 2, sheet.max_row + 1)]
    assert tail == ["推荐单位：唐山市工业和信息化局", "（单位公章）", "2024年7月16日"]


def test_xlsx_cells_are_bordered_and_fonts_chinese() -> None:
    sheet = open_xlsx()
    row = find_row(sheet, "绿色工厂推荐名单") + 2
    for column in range(1, 6):
        cell = sheet.cell(row=row, column=column)
        assert {
            cell.border.left.style,
            cell.border.right.style,
            cell.border.top.style,
            cell.border.bottom.style,
        } == {"thin"}
        assert cell.font.name == "宋体" and cell.font.charset == 134
        assert cell.alignment.wrap_text
    assert sheet["A2"].font.name == "方正小标宋简体"


def test_xlsx_prints_on_a4_fitted_to_width_with_print_titles() -> None:
    sheet = open_xlsx()
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_margins.top == pytest.approx(37 / 25.4)
    assert sheet.page_margins.left == pytest.approx(28 / 25.4)


def test_xlsx_province_wide_has_six_columns() -> None:
    province = SummaryTable(
        "河北省",
        "2024",
        "河北省工业和信息化厅",
        [SummaryRow("甲公司", "", "医药", True, unit="保定市")],
        province_wide=True,
    )
    sheet = open_xlsx(province)
    assert sheet["A2"].value == "河北省2024年度国家绿色制造名单推荐汇总表"
    row = find_row(sheet, "绿色工厂推荐名单")
    assert values(sheet, row + 1, 6) == [
        "序号",
        "推荐单位",
        "工厂名称",
        "第三方机构名称",
        "行业",
        "是否列入省级绿色名单",
    ]
    assert values(sheet, row + 2, 6) == [1, "保定市", "甲公司", "自评价", "医药", "是"]
