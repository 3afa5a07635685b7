"""The register in a real browser, on the demo data: a city proposes a rename of one of its units,
the province approves it with a 文号 and downloads the summary to send on; the city's timeline then
shows the rename and the former name."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rename_goes_from_the_city_to_the_province_and_back(demo, visitor):
    city = visitor("city-register")
    city.login("city_tangshan")
    page = city.go("/lists/?level=municipal&status=active", "register")
    assert "唐山" in page.inner_text("table.grid tbody")
    link = page.locator("table.grid tbody tr a").first
    old_name = link.inner_text()
    link.click()
    page.wait_for_load_state()
    city.check("register-entry")
    page.click("text=提出调整建议")
    page.check("input[name=kind][value=rename]")
    page.fill("#new_name", "唐山浏览器更名测试有限公司")
    page.fill("#reason", "市场监督管理部门核准名称变更")
    page.click("text=报省厅审核")
    page.wait_for_load_state()
    assert "等待省厅审核" in page.inner_text(".messages")

    province = visitor("province-register")
    province.login("province")
    page = province.go("/lists/proposals/?status=pending", "register-proposals")
    row = page.locator("table.grid tbody tr", has_text="唐山浏览器更名测试有限公司")
    row.locator("textarea[name=reason]").fill("同意更名")
    row.locator("input[name=document_number]").fill("冀工信节〔2024〕99号")
    row.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert "已批准" in page.inner_text(".messages")
    with page.expect_download() as download:
        page.click("text=下载汇总表（.xlsx）")
    assert download.value.suggested_filename.endswith(".xlsx")

    page = city.go("/lists/?q=唐山浏览器更名测试有限公司", "register-renamed")
    page.locator("table.grid tbody tr a").first.click()
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert f"由“{old_name}”更名为“唐山浏览器更名测试有限公司”" in body
    assert "曾用名" in body and "冀工信节〔2024〕99号" in body
