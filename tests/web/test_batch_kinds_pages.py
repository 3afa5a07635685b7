"""The pages with several batches present: the default stays 2024, ``?batch=`` picks another, and
each page shows the batch's own shape (rules switched on, quota, evaluation paths)."""

from __future__ import annotations

from typing import Any

import pytest

from greenlist.campaign.models import Application, Batch
from greenlist.scoping import unscoped

PROVINCE_PAGES = ["/", "/applications/", "/screening/", "/rules/", "/ranking/", "/selection/", "/units/"]


@pytest.mark.parametrize("path", PROVINCE_PAGES)
@pytest.mark.parametrize("code", ["2025", "2025-provincial", "2025-review"])
def test_every_province_page_opens_for_every_batch(personas: Any, path: str, code: str) -> None:
    response = personas.client(personas.province).get(path, {"batch": code})
    assert response.status_code == 200, (path, code)


def test_without_a_batch_parameter_the_pages_show_2024(personas: Any) -> None:
    page = personas.client(personas.province).get("/rules/").content.decode()
    assert "2024年度国家绿色制造名单推荐" in page
    assert 'id="rule-V3"' in page and 'id="rule-L1"' not in page


def test_the_rules_page_of_2025_lists_only_its_rules_and_its_shape(personas: Any) -> None:
    page = personas.client(personas.province).get("/rules/", {"batch": "2025"}).content.decode()
    assert "2025年度国家绿色制造名单推荐" in page
    assert 'id="rule-L1"' in page and 'id="rule-A1"' in page
    for off in ("V1", "V2", "V3", "V4", "F1", "Q1", "S1"):
        assert f'id="rule-{off}"' not in page, off
    assert "不受理第三方评价报告" in page
    assert "本批次不设名额" in page
    assert "待核实" in page  # Hebei's own 2025 dates were not found
    # the register holds no national scores in this test: A1 says why it stays silent
    assert "名单库中没有国家级绿色工厂的年度得分" in page


def test_the_screening_page_of_2025_has_no_evaluator_or_quota_table(personas: Any) -> None:
    page = personas.client(personas.province).get("/screening/", {"batch": "2025"}).content.decode()
    assert "第三方评价机构（V1–V3" not in page
    assert "各推荐单位报送前须处理事项（本批次不设推荐名额）" in page
    page_2024 = personas.client(personas.province).get("/screening/").content.decode()
    assert "第三方评价机构（V1–V3" in page_2024 and "推荐名额（规则 Q1" in page_2024


def test_the_application_form_of_a_self_only_batch_has_no_evaluator_field(personas: Any) -> None:
    with unscoped():
        application = Application.objects.create(
            batch=Batch.current("2025"),
            organisation=personas.org_x,
            unit=personas.org_x.unit,
            category="factory",
        )
    client = personas.client(personas.applicant_x)
    page = client.get(f"/applications/{application.pk}/edit/").content.decode()
    assert 'name="evaluator"' not in page
    assert 'value="third_party"' not in page
    page_2024 = client.get(f"/applications/{personas.app_x.pk}/edit/").content.decode()
    assert 'name="evaluator"' in page_2024


def test_a_supply_chain_draft_cannot_be_opened_in_2025(personas: Any) -> None:
    from greenlist.campaign.actions import ActionRefused, create_application

    batch = Batch.current("2025")
    with pytest.raises(ActionRefused, match="只受理绿色工厂、绿色工业园区，不受理绿色供应链管理企业申报"):
        create_application(
            batch=batch, organisation=personas.org_x, category="supply_chain", actor=personas.applicant_x
        )
    with unscoped():
        assert not Application.objects.filter(batch=batch).exists()


def test_the_workbook_template_of_a_self_only_batch_has_no_evaluator_parts(
    personas: Any, tmp_path: Any
) -> None:
    from openpyxl import load_workbook

    from greenlist.exchange.importer import import_workbook
    from tests.conftest import new_uscc
    from tests.exchange.workbooks import application_row

    client = personas.client(personas.province)
    path = tmp_path / "t.xlsx"
    path.write_bytes(client.get("/templates/workbook/", {"batch": "2025"}).content)
    book = load_workbook(path)
    assert {"第三方机构", "节能诊断", "机构黑名单"} & set(book.sheetnames) == set()
    headers = [c.value for c in book["申报"][1]]
    assert (
        "评价方式" in headers
        and "第三方机构统一社会信用代码" not in headers
        and "无结果承诺声明" not in headers
    )
    full = tmp_path / "full.xlsx"
    full.write_bytes(client.get("/templates/workbook/").content)
    assert "第三方机构" in load_workbook(full).sheetnames
    # the template, filled in, imports into its batch
    sheet = book["申报"]
    row = application_row(new_uscc(), "石家庄模板公司")
    sheet.append([row.get(str(h)) for h in headers])
    for name in book.sheetnames:
        if name not in ("申报", "填写说明"):
            del book[name]
    book.save(path)
    assert import_workbook(path, batch=Batch.current("2025")).ok
