from __future__ import annotations

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Batch, Consultation, UnitSubmission
from greenlist.rules.screening import UnitResult
from greenlist.scoping import unscoped
from greenlist.screening.service import screen_batch
from tests.web.conftest import login


def test_the_city_sees_its_draft_list_opinions_and_what_blocks_submission(demo, client):
    page = login(client, "city_tangshan").get("/unit/").content.decode()
    assert "唐山市" in page and "征求意见" in page
    assert "尚未记录" in page  # the demo has two of the three opinions for 唐山
    assert "C1" in page and 'disabled aria-disabled="true"' in page


def test_a_department_records_its_own_opinion_only(demo, client):
    login(client, "dept_tangshan_market_regulation")
    client.post(
        "/unit/consultation/", {"department": "market_regulation", "agrees": "yes", "opinion": "同意"}
    )
    client.post(
        "/unit/consultation/", {"department": "ecology_environment", "agrees": "no", "opinion": "越权"}
    )
    with unscoped():
        rows = {c.department: c.agrees for c in Consultation.objects.filter(unit__name="唐山市")}
    assert rows["market_regulation"] is True and rows["ecology_environment"] is True  # untouched demo opinion


def test_submission_with_blockers_is_refused_with_reasons(demo, client):
    response = login(client, "city_tangshan").post("/unit/submit/", follow=True)
    assert "暂不能报送" in response.content.decode()
    with unscoped():
        assert UnitSubmission.objects.get(unit__name="唐山市").submitted_at is None


def quota_of(unit_name: str) -> UnitResult:
    with unscoped():
        (result,) = screen_batch(Batch.current(), unit_names=[unit_name]).quotas
    return result


def test_the_province_overrides_a_quota_with_a_reason_and_it_is_audited(demo, client):
    computed = quota_of("衡水市").computed_quota
    assert computed != 9
    login(client, "province")
    client.post("/units/hengshui/", {"action": "quota", "quota": "9", "reason": "培育成效突出"})
    client.post("/units/hengshui/", {"action": "quota", "quota": "-1", "reason": "x"})
    page = client.get("/units/").content.decode()
    assert f"核定（原 {computed}）" in page
    with unscoped():
        events = AuditEvent.objects.filter(action=Action.QUOTA_OVERRIDE)
        assert [(e.reason, e.details["to"]) for e in events] == [("培育成效突出", 9)]


@pytest.mark.parametrize("username", ["city_shijiazhuang", "applicant", "evaluator"])
def test_only_the_province_reaches_the_units_overview(demo, client, username):
    login(client, username)
    assert client.get("/units/").status_code == 403
    assert (
        client.post("/units/hengshui/", {"action": "quota", "quota": "9", "reason": "x"}).status_code == 403
    )


@pytest.mark.parametrize("username", ["province", "applicant", "evaluator"])
def test_the_unit_page_is_for_cities_and_departments(demo, client, username):
    assert login(client, username).get("/unit/").status_code == 403


def test_the_city_dashboard_shows_quota_findings_opinions_and_the_deadline(demo, client):
    response = login(client, "city_tangshan").get("/")
    status = response.context["unit_status"]
    with unscoped():
        consulted = Consultation.objects.filter(unit__name="唐山市").count()
    departments = len(Batch.current().parameters.consultation_departments)
    assert 0 < consulted < departments  # the demo leaves one opinion missing in 唐山
    assert status["consulted"] == consulted and status["quota"] == quota_of("唐山市").quota
    assert status["excluded"] > 0 and status["days_left"] >= 0  # the demo reopened submission
    page = response.content.decode()
    assert f"{consulted} / {departments}" in page and "距报送截止" in page
