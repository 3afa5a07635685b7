"""Each role's main pages in a real browser (issue 6 grows this into whole journeys)."""

from __future__ import annotations

import pytest

from greenlist.campaign.models import Application
from greenlist.scoping import unscoped

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_city_logs_in_screens_and_reads_the_clauses(demo, visitor):
    city = visitor("city")
    city.login("city_shijiazhuang")
    page = city.go("/screening/", "screening")
    assert page.locator("h1").inner_text().startswith("筛查结果")
    page.select_option("select[name=show]", "excluded")
    page.click("text=筛选")
    page.wait_for_load_state()
    city.check("screening-excluded")
    first = page.locator("details.clause").first
    first.click()
    assert "依据" in first.inner_text()
    city.go("/rules/", "rules")
    city.go("/import/", "import")


def test_an_applicant_sees_only_its_application_and_is_refused_screening(demo, visitor):
    applicant = visitor("applicant")
    applicant.login("applicant")
    page = applicant.go("/applications/", "applications")
    with unscoped():
        own = Application.objects.filter(organisation__users__username="applicant").count()
    assert page.locator("table.grid tbody tr").count() == own
    response = applicant.page.goto(applicant.base_url + "/screening/")
    assert response.status == 403


def test_a_wrong_password_is_explained_in_chinese(db, visitor, live_server):
    person = visitor("anonymous")
    person.login("nobody", "wrong-password")
    assert "请输入一个正确的" in person.page.inner_text(".errors")
