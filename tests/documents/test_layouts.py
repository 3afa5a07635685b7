"""Summary-table and letter layouts as data: the 2025 batch's own layout (factories and parks
only, no evaluator column, the self-evaluation score), read back from the .docx and .xlsx; the
layout file's checks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from greenlist.documents import (
    LetterData,
    SummaryRow,
    SummaryTable,
    recommendation_letter_docx,
    summary_table_docx,
    summary_table_xlsx,
)
from greenlist.documents.layouts import LayoutError, load_layout
from greenlist.rules.batch import DATA_DIR

NATIONAL_2025 = load_layout("national-2025")
ROWS = [SummaryRow("甲钢铁有限公司", "", "钢铁", True, "石家庄市", score="86.5")]
PARK = [SummaryRow("某经济开发区", "", "省级工业园区", True, "石家庄市", score="78")]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(data)).tables]


def xlsx_rows(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [[str(c) for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("province_wide", [False, True])
def test_the_2025_summary_table_has_its_own_columns_and_sub_tables(province_wide: bool) -> None:
    table = SummaryTable(
        "石家庄市",
        "2025",
        "石家庄市工业和信息化局",
        factories=ROWS,
        parks=PARK,
        supply_chains=ROWS,  # not in the 2025 layout: never written
        province_wide=province_wide,
        layout=NATIONAL_2025.summary_table,
    )
    unit = ["推荐单位"] if province_wide else []
    tables = docx_tables(summary_table_docx(table))
    assert [t[0][0] for t in tables] == ["绿色工厂推荐名单", "绿色工业园区推荐名单"]
    assert tables[0][1] == ["序号", *unit, "工厂名称", "行业", "自评价得分", "是否列入省级绿色名单"]
    assert tables[0][2] == [
        "1",
        *(["石家庄市"] if province_wide else []),
        "甲钢铁有限公司",
        "钢铁",
        "86.5",
        "是",
    ]
    assert tables[1][1][len(unit) + 1 : len(unit) + 3] == ["园区名称", "类型"]

    rows = xlsx_rows(summary_table_xlsx(table))
    assert rows[1] == ["石家庄市2025年度国家绿色制造名单推荐汇总表"]
    texts = {cell for row in rows for cell in row}
    assert {"自评价得分", "86.5", "78", "绿色工业园区推荐名单"} <= texts
    assert not texts & {"第三方机构名称", "自评价", "绿色供应链管理企业推荐名单"}


def test_without_a_layout_the_summary_table_is_the_2024_annex() -> None:
    table = SummaryTable("石家庄市", "2024", "石家庄市工业和信息化局", factories=ROWS)
    tables = docx_tables(summary_table_docx(table))
    assert [t[0][0] for t in tables] == [
        "绿色工厂推荐名单",
        "绿色工业园区推荐名单",
        "绿色供应链管理企业推荐名单",
    ]
    assert tables[0][1] == ["序号", "工厂名称", "第三方机构名称", "行业", "是否列入省级绿色名单"]
    assert tables[0][2] == ["1", "甲钢铁有限公司", "自评价", "钢铁", "是"]  # the score is not a 2024 column


def test_the_2025_letter_names_factories_and_parks_and_the_self_evaluation() -> None:
    data = LetterData(
        unit_name="石家庄市",
        bureau="石家庄市工业和信息化局",
        year="2025",
        batch_title="2025年度国家绿色制造名单推荐",
        notice_title="工信厅节函〔2025〕390号",
        counts={"绿色工厂": 1, "绿色工业园区": 1},
        recommended={"绿色工厂": ["甲钢铁有限公司"], "绿色工业园区": ["某经济开发区"]},
        layout=NATIONAL_2025.letter,
        summary_layout=NATIONAL_2025.summary_table,
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(recommendation_letter_docx(data))).paragraphs)
    assert "关于推荐2025年度国家绿色制造名单的报告" in text
    assert "真实性、准确性、先进性逐项核查" in text
    assert "共推荐2家（个），其中绿色工厂1家、绿色工业园区1个" in text
    assert "附件：1.石家庄市2025年度国家绿色制造名单推荐汇总表" in text
    assert "第三方机构评价" not in text
    assert "绿色供应链管理企业" not in text


def _copy(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir()
    (folder / "bad.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("width_mm: {unit: 50, province: 41}", "width_mm: {unit: 51, province: 41}"), "列宽合计 157 毫米"),
        (("field: evaluator", "field: referee"), "未知数据项“referee”"),
        (("width_mm: {province: 18}", "width_mm: {}"), "缺少province版本的列宽"),
        (("  process: ", "  processes: "), "缺少“process”"),
    ],
)
def test_a_bad_layout_file_is_refused_with_what_is_wrong(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    text = (DATA_DIR / "layouts" / "hebei-2024.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    folder = _copy(tmp_path, text.replace(change[0], change[1], 1))
    with pytest.raises(LayoutError, match=message):
        load_layout("bad", folder)


def test_every_shipped_batch_names_a_layout_that_loads() -> None:
    from greenlist.rules.batch import load_batch_file

    for path in sorted((DATA_DIR / "batches").glob("*.yaml")):
        assert load_layout(load_batch_file(path).document_layout).id
