"""The review expert's row of the authorization matrix (the shared matrix has no expert persona):
every selection URL, and the existing pages an expert might try."""

from __future__ import annotations

import pytest
from django.utils import timezone

from greenlist.campaign.models import Application
from greenlist.scoping import unscoped
from greenlist.selection import services
from greenlist.selection.models import ReviewMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    with unscoped():
        world.mine = services.assign(world.app_a, world.expert_1, actor=world.province)
        world.theirs = services.assign(world.app_c, world.expert_3, actor=world.province)
        world.meeting = ReviewMeeting.objects.create(
            batch=world.batch,
            kind="topic",
            held_on="2024-08-01",
            title="会审",
            attendees="甲",
            recorded_by=world.province,
        )
        Application.objects.filter(pk=world.app_b.pk).update(state="province_recommended")
        world.notice = services.publish_notice(
            world.batch,
            actor=world.province,
            title="公示",
            starts_on=timezone.localdate(),
            days=5,
            contact="节能处",
        )
        world.objection = services.add_objection(
            world.notice,
            actor=world.province,
            application_id=world.app_b.pk,
            name="周某",
            contact="1",
            statement="x",
            received_on=timezone.localdate(),
            evidence_name="e.pdf",
            evidence=b"%PDF-1.4\n%%EOF\n",
        )
    return world


EXPERT_STATUS = {
    "/review/experts/": 403,
    "/review/experts/{expert}/": 403,
    "/review/assignments/": 403,
    "/review/": 200,
    "/review/sheets/{mine}/": 200,
    "/review/sheets/{theirs}/": 404,
    "/review/meetings/": 403,
    "/review/meetings/{meeting}/": 403,
    "/notices/": 403,
    "/notices/{notice}/": 403,
    "/notices/{notice}/objections/{objection}/evidence/": 403,
    "/notices/{notice}/final.xlsx": 403,
    "/gongshi/{notice}/": 200,
    "/": 200,
    "/applications/": 200,
    "/applications/{app_a}/": 200,
    "/applications/{app_c}/": 404,
    "/selection/": 403,
    "/audit/": 403,
    "/unit/": 403,
    "/evaluator/": 403,
    "/screening/": 403,
    "/documents/": 403,
}


def test_the_expert_row(setup):
    w = setup
    ids = {
        "expert": w.expert_1.pk,
        "mine": w.mine.pk,
        "theirs": w.theirs.pk,
        "meeting": w.meeting.pk,
        "notice": w.notice.pk,
        "objection": w.objection.pk,
        "app_a": w.app_a.pk,
        "app_c": w.app_c.pk,
    }
    client = w.client(w.user_1)
    got = {path: client.get(path.format(**ids)).status_code for path in EXPERT_STATUS}
    assert got == EXPERT_STATUS


def test_the_expert_s_list_shows_only_the_assignment(setup):
    page = setup.client(setup.user_1).get("/applications/").content.decode()
    assert "石家庄甲钢铁有限公司" in page
    assert "石家庄乙玻璃有限公司" not in page
    assert "唐山丙陶瓷有限公司" not in page


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/review/experts/", {"name": "x", "field": "x", "organisation": "x", "contact": "x"}),
        ("/review/assignments/", {"application": "{app_c}", "expert": "{expert}"}),
        ("/review/meetings/", {"kind": "topic", "held_on": "2024-08-01", "title": "x", "attendees": "x"}),
        ("/notices/", {"title": "x", "starts_on": "2024-08-01", "days": "5", "contact": "x"}),
    ],
)
def test_the_expert_s_writes_to_province_pages_are_refused(setup, path, data):
    from greenlist.audit.models import AuditEvent

    with unscoped():
        before = AuditEvent.objects.count()
    values = {k: v.format(app_c=setup.app_c.pk, expert=setup.expert_1.pk) for k, v in data.items()}
    assert setup.client(setup.user_1).post(path, values).status_code == 403
    with unscoped():
        assert AuditEvent.objects.count() == before
