from __future__ import annotations

import csv
import hashlib
import io
import zipfile

from docx import Document
from openpyxl import load_workbook

from greenlist.campaign.models import Application, Attachment, Batch, ExperienceReport
from greenlist.decisions.documents import letter, pack, recommended, summary_table_file
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import unscoped
from greenlist.screening.ranking import rank_unit
from tests.factories import dishonest


def demo_unit(name: str = "石家庄市"):
    with unscoped():
        return Batch.current(), RecommendingUnit.objects.get(name=name)


def table_texts(document: Document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_the_unit_summary_table_lists_its_recommendations_in_order(demo):
    batch, unit = demo_unit()
    document = Document(io.BytesIO(summary_table_file(batch, unit, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "石家庄市2024年度国家绿色制造名单推荐汇总表" in text
    with unscoped():
        ranking = rank_unit(batch, unit, "factory")
        factories = [
            ranking.applications[r.key].organisation.name
            for r in ranking.ranked
            if ranking.applications[r.key].state == "city_recommended"
        ]
    assert factories
    cells = [cell for table in table_texts(document) for row in table for cell in row]
    names_in_table = [name for name in cells if name in factories]
    assert list(dict.fromkeys(names_in_table)) == factories  # every recommended factory, in ranking order
    assert {
        "序号",
        "工厂名称",
        "第三方机构名称",
        "行业",
        "是否列入省级绿色名单",
        "园区名称",
        "企业名称",
        "类型",
    } <= set(cells)


def test_an_application_excluded_after_submission_leaves_every_summary_table(demo):
    batch, unit = demo_unit()
    with unscoped():
        first = Application.objects.filter(unit=unit, category="factory", state="city_recommended").first()
    dishonest(first.organisation)
    for edition in (unit, None):
        book = load_workbook(io.BytesIO(summary_table_file(batch, edition, "xlsx")))
        values = {str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None}
        assert first.organisation.name not in values


def test_the_province_edition_covers_every_unit_in_excel(demo):
    batch, _ = demo_unit()
    book = load_workbook(io.BytesIO(summary_table_file(batch, None, "xlsx")))
    values = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert any("河北省2024年度国家绿色制造名单推荐汇总表" in v for v in values)
    assert "推荐单位" in values and "石家庄市" in values


def test_the_letter_cites_counts_and_consultations(demo):
    batch, unit = demo_unit()
    text = "\n".join(p.text for p in Document(io.BytesIO(letter(batch, unit))).paragraphs)
    assert "关于组织推荐2024年度国家绿色制造名单的通知" in text
    assert "绿色工厂19家" in text.replace(" ", "")
    assert "生态环境" in text and "应急管理" in text and "市场监管" in text


def test_the_pack_holds_every_file_with_a_true_manifest(demo):
    batch, unit = demo_unit()
    archive = zipfile.ZipFile(io.BytesIO(pack(batch, unit)))
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[0] == ["文件", "申报主体", "统一社会信用代码", "类别", "sha256"]
    listed = {row[0]: row[4] for row in rows[1:]}
    assert set(listed) == set(archive.namelist()) - {"manifest.csv"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    reports = [name for name in listed if name.endswith("典型经验报告.docx")]
    evaluations = [name for name in listed if "评价报告_" in name]
    with unscoped():
        chosen = recommended(batch, unit)
        uploaded = Attachment.objects.filter(
            application__in=chosen, kind=Attachment.Kind.EVALUATION_REPORT
        ).count()
        written = ExperienceReport.objects.filter(application__in=chosen).count()
    assert len(evaluations) == uploaded > 0
    # Supply-chain firms write no 附件2: fewer reports than evaluations.
    assert len(reports) == written == len([a for a in chosen if a.category != "supply_chain"])
    assert 0 < len(reports) < len(evaluations)


HOSTILE_NAME = '=HYPERLINK("http://example.invalid","点击查看")'


def test_a_hostile_enterprise_name_is_text_in_the_excel_table_and_the_manifest(demo):
    batch, unit = demo_unit()
    with unscoped():
        application = (
            Application.objects.filter(batch=batch, unit=unit, state="city_recommended")
            .select_related("organisation")
            .first()
        )
        assert application is not None
        organisation = application.organisation
        organisation.name = HOSTILE_NAME
        organisation.save()
    sheet = load_workbook(io.BytesIO(summary_table_file(batch, unit, "xlsx"))).active
    written = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE_NAME]
    assert written, "the name is written as it is"
    assert all(cell.data_type == "s" for cell in written)
    archive = zipfile.ZipFile(io.BytesIO(pack(batch, unit)))
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    names = {row[1] for row in rows[1:]}
    assert "'" + HOSTILE_NAME in names
    assert HOSTILE_NAME not in names
