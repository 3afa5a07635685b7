"""A year between campaigns in a real browser, on the demo data: 石家庄市 audits a filing, orders an
on-site check, records its findings and proposes removal from the filing's page; the province
approves; the register shows the unit as 已撤销 with the removal in its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from greenlist.dynamic.models import Filing, FilingState
from greenlist.registry.models import RegisterProposal
from greenlist.scoping import unscoped

pytestmark = pytest.mark.django_db(transaction=True)


def test_audit_onsite_check_removal_approval_and_the_register(demo, visitor):
    with unscoped():
        filing = (
            Filing.objects.filter(unit__name="石家庄市", state=FilingState.SUBMITTED, entry__status="active")
            .select_related("entry")
            .order_by("entry__name")
            .first()
        )
    assert filing is not None
    name = filing.entry.name
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

    city = visitor("city-year")
    city.login("city_shijiazhuang")
    page = city.go(f"/dynamic/filings/{filing.pk}/", "year-filing")
    page.check("input[name=decision][value=onsite]")
    page.fill("#assignee", "市节能监察支队 王强")
    page.fill("#due_on", day)
    page.fill("#reason", "单位综合能耗较上年明显上升，需现场核实")
    page.get_by_role("button", name="提交审核结论").click()
    page.wait_for_load_state()
    assert "待现场核查" in page.inner_text("main")

    page.locator("textarea[name=findings]").fill("现场核实：主要生产线已于上年停产，能耗在线监测数据缺失")
    page.get_by_role("button", name="记录核查结果").click()
    page.wait_for_load_state()
    city.check("year-onsite-recorded")
    assert "现场核查结果已记录" in page.inner_text(".messages")
    # The proposal form starts from the findings: a removal, the findings in its reason.
    assert page.locator("input[name=kind][value=removal]").is_checked()
    assert "主要生产线已于上年停产" in page.input_value("#proposal-reason")
    page.fill("#proposal-effective-on", "2025-03-01")
    page.get_by_role("button", name="提出调整建议").click()
    page.wait_for_load_state()
    city.check("year-proposed")
    assert "等待省厅审核" in page.inner_text(".messages")
    assert "待省厅审核" in page.inner_text("#proposals")

    province = visitor("province-year")
    province.login("province")
    page = province.go("/lists/proposals/?status=pending", "year-proposals")
    row = page.locator("table.grid tbody tr", has_text=name)
    row.locator("textarea[name=reason]").fill("同意撤销")
    row.locator("input[name=document_number]").fill("冀工信节〔2025〕12号")
    row.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert "已批准" in page.inner_text(".messages")

    with unscoped():
        proposal = RegisterProposal.objects.get(filing=filing)
    assert proposal.status == "approved"
    page = city.go(f"/lists/{filing.entry_id}/", "year-register-entry")
    body = page.inner_text("main")
    assert "已撤销（2025-03-01）" in body
    history = page.inner_text("ol.timeline")
    assert "2025-03-01 撤销" in history
    assert "主要生产线已于上年停产" in history
    assert "冀工信节〔2025〕12号" in history
    page = city.go(f"/dynamic/filings/{filing.pk}/", "year-filing-after")
    assert "已批准" in page.inner_text("#proposals")
