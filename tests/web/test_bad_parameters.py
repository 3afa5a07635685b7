"""Wrong query parameters are answered with 404 or 400 and a Chinese reason, never a server error
(the test client re-raises a view's exception, so a 500 fails these tests loudly)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from greenlist.accounts.tokens import issue_token
from greenlist.audit.models import AuditEvent
from greenlist.campaign.models import UnitSubmission
from greenlist.decisions.transitions import transition
from greenlist.scoping import unscoped

UNKNOWN_BATCH = "批次“zzz”不存在"

PAGES = [
    ("province", "/"),
    ("city_a", "/"),
    ("applicant_x", "/applications/new/"),
    ("evaluator", "/evaluator/"),
    ("city_a", "/unit/"),
    ("province", "/units/"),
    ("city_a", "/screening/"),
    ("city_a", "/ranking/"),
    ("city_a", "/import/"),
    ("city_a", "/rules/"),
    ("city_a", "/documents/"),
    ("city_a", "/documents/summary-table.xlsx"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_pages_answer_an_unknown_batch_with_404_and_say_so(personas, who, url):
    client = personas.client(getattr(personas, who))
    assert client.get(url).status_code == 200

    response = client.get(url, {"batch": "zzz"})

    assert response.status_code == 404
    assert UNKNOWN_BATCH in response.content.decode()


@pytest.mark.parametrize(("who", "url"), [("city_a", "/unit/submit/"), ("city_a", "/ranking/recommend/")])
def test_actions_refuse_an_unknown_batch_and_change_nothing(personas, who, url):
    with unscoped():
        before = (AuditEvent.objects.count(), UnitSubmission.objects.count())

    response = personas.client(getattr(personas, who)).post(f"{url}?batch=zzz", {"category": "factory"})

    assert response.status_code == 404
    with unscoped():
        assert (AuditEvent.objects.count(), UnitSubmission.objects.count()) == before


@pytest.mark.parametrize("path", ["/api/applications", "/api/quotas", "/api/evaluators"])
def test_the_api_answers_an_unknown_batch_with_404_and_says_so(personas, path):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(personas.province, 'test')}")
    assert client.get(path).status_code == 200

    response = client.get(path, {"batch": "zzz"})

    assert response.status_code == 404
    assert UNKNOWN_BATCH in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"since": "x"}, "起始日期“x”无效"),
        ({"since": "2024-02-30"}, "起始日期“2024-02-30”无效"),
        ({"action": "²"}, "事件类型“²”无效"),
        ({"action": "99999999999999999999"}, "事件类型“99999999999999999999”无效"),
    ],
)
def test_the_audit_trail_answers_bad_filters_with_400_and_says_which(personas, query, reason):
    response = personas.client(personas.province).get("/audit/", query)

    assert response.status_code == 400
    assert reason in response.content.decode()


def test_the_audit_trail_still_filters_by_a_valid_date_and_event(personas):
    client = personas.client(personas.province)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    with unscoped():
        event = AuditEvent.objects.get()
    day = timezone.localdate(event.at).isoformat()

    listed = client.get("/audit/", {"since": day, "action": str(event.action)})
    later = client.get("/audit/", {"since": "2999-01-01"})

    assert listed.status_code == later.status_code == 200
    assert event.object_label in listed.content.decode()
    assert len(later.context["page"].object_list) == 0
