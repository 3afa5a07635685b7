"""附件1's 是否列入省级绿色名单: 是 only for an active provincial entry of the row's own category."""

from __future__ import annotations

from greenlist.campaign.models import Application, Batch
from greenlist.decisions.documents import summary_table
from greenlist.registry.models import ProvincialListEntry, RecommendingUnit
from greenlist.scoping import unscoped


def listed_column(batch, unit, name):
    table = summary_table(batch, unit)
    rows = [*table.factories, *table.parks, *table.supply_chains]
    return [row.on_provincial_list for row in rows if row.name == name]


def test_a_national_or_other_category_entry_is_not_the_provincial_list_of_the_row(demo):
    with unscoped():
        batch = Batch.current()
        unit = RecommendingUnit.objects.get(name="石家庄市")
        application = (
            Application.objects.filter(unit=unit, state="city_recommended")
            .exclude(category="factory")
            .select_related("organisation")
            .first()
        )
        assert application is not None, "the demo recommends a park or supply chain in 石家庄市"
        org = application.organisation
        ProvincialListEntry.objects.filter(
            uscc=org.uscc, category=application.category, level="provincial"
        ).delete()
        other = "factory" if application.category != "factory" else "park"
        for category, level in ((application.category, "national"), (other, "provincial")):
            ProvincialListEntry.objects.update_or_create(
                uscc=org.uscc,
                category=category,
                level=level,
                defaults={"name": org.name, "unit": unit, "year": 2022, "status": "active"},
            )
    assert listed_column(batch, unit, org.name) == [False]
    with unscoped():
        ProvincialListEntry.objects.create(
            uscc=org.uscc,
            name=org.name,
            category=application.category,
            level="provincial",
            unit=unit,
            year=2023,
            status="active",
        )
    assert listed_column(batch, unit, org.name) == [True]


def test_the_park_row_names_the_park_not_its_management_body(personas, make_application):
    from io import BytesIO

    from openpyxl import load_workbook

    from greenlist.decisions.documents import summary_table_file
    from tests.conftest import make_org

    with unscoped():
        body = make_org("石家庄市", "石家庄某经济开发区管理委员会")
        make_application(
            body,
            category="park",
            method="self",
            state="city_recommended",
            park_name="石家庄某经济开发区",
            park_level="provincial",
            industrial_share=62,
            manufacturing_and_energy=True,
            legal_boundary=True,
            management_body=True,
        )
    book = load_workbook(BytesIO(summary_table_file(personas.app_x.batch, body.unit, "xlsx")))
    values = {str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None}
    assert "石家庄某经济开发区" in values and "石家庄某经济开发区管理委员会" not in values


def test_the_2025_batch_writes_its_own_layout_with_the_self_evaluation_score(personas, make_application):
    from io import BytesIO

    from docx import Document

    from greenlist.decisions.documents import letter, summary_table_file
    from tests.factories import listed_factory

    with unscoped():
        org = listed_factory("石家庄市", "石家庄丙钢铁有限公司")
        Application.objects.create(
            batch=Batch.current("2025"),
            organisation=org,
            unit=org.unit,
            category="factory",
            method="self",
            industry="钢铁",
            score="86.50",
            state="city_recommended",
        )
        batch = Batch.current("2025")
    tables = Document(BytesIO(summary_table_file(batch, org.unit, "docx"))).tables
    assert [t.rows[0].cells[0].text for t in tables] == ["绿色工厂推荐名单", "绿色工业园区推荐名单"]
    assert [c.text for c in tables[0].rows[1].cells] == [
        "序号",
        "工厂名称",
        "行业",
        "自评价得分",
        "是否列入省级绿色名单",
    ]
    assert [c.text for c in tables[0].rows[2].cells] == ["1", "石家庄丙钢铁有限公司", "钢铁", "86.5", "是"]
    text = "\n".join(p.text for p in Document(BytesIO(letter(batch, org.unit))).paragraphs)
    assert "（一）绿色工厂（1家）：石家庄丙钢铁有限公司。" in text
    assert "绿色供应链管理企业" not in text
