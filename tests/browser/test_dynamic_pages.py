"""年度动态管理 in a real browser: the city audits a filing with an on-site check; the province
reads the progress and the standing; an applicant opens its form."""

from __future__ import annotations

import datetime as dt

import pytest

from greenlist.accounts.models import User
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing
from greenlist.scoping import unscoped

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_city_orders_an_on_site_check_and_the_province_follows_the_cycle(demo, visitor):
    with unscoped():
        filing = (
            Filing.objects.filter(unit__name="石家庄市", state="submitted").select_related("entry").first()
        )
    assert filing is not None
    city = visitor("city")
    city.login("city_shijiazhuang")
    page = city.go("/dynamic/", "dynamic-home")
    assert "已提交的动态管理表" in page.inner_text("body")
    page = city.go(f"/dynamic/filings/{filing.pk}/", "dynamic-filing")
    page.check("input[name=decision][value=onsite]")
    page.fill("#assignee", "市节能监察支队 张工")
    page.fill("#due_on", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.fill("#reason", "能耗指标需现场核实")
    page.click("text=提交审核结论")
    page.wait_for_load_state()
    city.check("dynamic-onsite-ordered")
    assert "待现场核查" in page.inner_text("body")
    page.fill("textarea[name=findings]", "现场核实，数据属实。")
    page.click("text=记录核查结果")
    page.wait_for_load_state()
    city.check("dynamic-onsite-recorded")
    assert "现场核实，数据属实。" in page.inner_text("body")

    province = visitor("province")
    province.login("province")
    page = province.go("/dynamic/progress/", "dynamic-progress")
    assert "石家庄市" in page.inner_text("table.grid >> nth=1")
    page = province.go("/dynamic/standing/?category=factory&level=provincial", "dynamic-standing")
    assert "观察名单" in page.inner_text("body")


def test_an_applicant_on_the_list_opens_its_form(demo, visitor):
    the_cycle = service.cycle()
    with unscoped():
        entry = (
            service.entries(the_cycle)
            .exclude(pk__in=Filing.objects.values("entry_id"))
            .filter(category="factory")
            .filter(uscc__in=User.objects.filter(role="applicant").values("organisation__uscc"))
            .first()
        )
        user = User.objects.filter(role="applicant", organisation__uscc=entry.uscc).first()
    assert user is not None  # the demo gives the listed applicants a login
    applicant = visitor("applicant")
    applicant.login(user.username)
    page = applicant.go(f"/dynamic/entries/{entry.pk}/file/", "dynamic-form")
    assert "单位工业总产值综合能耗" in page.inner_text("body")
