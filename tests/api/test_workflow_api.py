"""Workflow over HTTP, as docs/contracts/http.md fixes it: 200 / 403 / 404 / 409, each refusal changing nothing."""

from __future__ import annotations

from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.audit.models import AuditEvent
from greenlist.campaign.models import Application, UnitSubmission
from greenlist.scoping import unscoped
from tests.campaign.test_unit_actions import consult_all, recommend
from tests.factories import dishonest


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, 'test')}")


def post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def snapshot(application) -> tuple:
    with unscoped():
        return Application.objects.get(pk=application.pk).state, AuditEvent.objects.count()


def test_transition_answers_by_the_contract(personas, clean_application):
    application = clean_application()
    dishonest(application.organisation)
    city, other_city = api(personas.city_a), api(personas.city_b)
    url = f"/api/applications/{application.pk}/transition"
    before = snapshot(application)

    refused = post(city, url, {"to": "city_recommended", "reason": "", "acknowledge": []})
    assert refused.status_code == 409
    body = refused.json()
    assert application.organisation.name in body["detail"] and "E6" in body["detail"]
    assert [f["rule"] for f in body["findings"]] == ["E6"]
    assert post(city, url, {"to": "province_recommended"}).status_code == 403
    assert post(other_city, url, {"to": "city_recommended"}).status_code == 404
    assert post(city, "/api/applications/999999/transition", {"to": "city_recommended"}).status_code == 404
    assert snapshot(application) == before

    detail = city.get(f"/api/applications/{application.pk}").json()
    assert detail["eligible"] is False and detail["data_version"] >= 1 and detail["screened_at"]

    fine = clean_application(name="可推荐公司")
    moved = post(city, f"/api/applications/{fine.pk}/transition", {"to": "city_recommended"})
    assert moved.status_code == 200 and moved.json() == {"id": fine.pk, "state": "city_recommended"}


def test_submit_and_return_over_http(personas, batch):
    recommend(personas, batch, 2)
    unit = personas.org_x.unit
    city, province = api(personas.city_a), api(personas.province)
    # The 2024 deadline has passed: D1 blocks until the province reopens the unit.
    blocked = post(city, f"/api/units/{unit.code}/submit", {"confirm": True})
    assert blocked.status_code == 409
    assert {b["rule"] for b in blocked.json()["blockers"]} == {"C1", "D1"}
    consult_all(personas, batch, unit)
    from datetime import timedelta

    from django.utils import timezone

    from greenlist.decisions.submission import reopen_submission

    reopen_submission(
        batch=batch,
        unit=unit,
        until=timezone.now() + timedelta(days=3),
        reason="补报",
        actor=personas.province,
    )
    assert post(city, f"/api/units/{unit.code}/submit", {"confirm": False}).status_code == 409
    assert post(api(personas.city_b), f"/api/units/{unit.code}/submit", {"confirm": True}).status_code == 404
    submitted = post(city, f"/api/units/{unit.code}/submit", {"confirm": True})
    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    with unscoped():
        stored = UnitSubmission.objects.get(batch=batch, unit=unit)
    assert body["unit"] == unit.code and body["snapshot_hash"] == stored.snapshot_hash

    with unscoped():
        frozen = Application.objects.filter(pk__in=[a["id"] for a in stored.snapshot["applications"]]).first()
    url = f"/api/applications/{frozen.pk}/transition"
    assert post(city, url, {"to": "city_review", "reason": "调整"}).status_code == 409

    assert post(city, f"/api/units/{unit.code}/return", {"reason": "退回"}).status_code == 403
    returned = post(province, f"/api/units/{unit.code}/return", {"reason": "材料不全"})
    assert returned.status_code == 200 and returned.json()["reason"] == "材料不全"
    assert post(city, url, {"to": "city_review", "reason": "调整"}).status_code == 200
