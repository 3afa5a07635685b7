"""The whole selection over HTTP, as the issue's "done when" says: a city's recommendations
through expert review, the meeting and the 公示 to a final list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from greenlist.campaign.models import Application
from greenlist.scoping import unscoped
from greenlist.selection import services
from greenlist.selection.models import Objection, PublicNotice, ReviewAssignment, ReviewMeeting

pytestmark = pytest.mark.django_db


def test_from_recommendations_to_the_final_list(world):
    province = world.client(world.province)
    # Assign two experts to each 石家庄 application.
    for app in (world.app_a, world.app_b):
        for expert in (world.expert_1, world.expert_3):
            province.post("/review/assignments/", {"application": app.pk, "expert": expert.pk})
    with unscoped():
        assert ReviewAssignment.objects.count() == 4
    sheet = services.sheets_for(world.batch).sheet("factory")
    for user, expert, value in ((world.user_1, world.expert_1, "10"), (world.user_3, world.expert_3, "8")):
        client = world.client(user)
        with unscoped():
            mine = list(ReviewAssignment.objects.filter(expert=expert))
        for assignment in mine:
            client.post(f"/review/sheets/{assignment.pk}/", {"action": "declare", "confirm": "on"})
            client.post(f"/review/sheets/{assignment.pk}/", {f"item_{i.id}": value for i in sheet.items})
    results = province.get("/review/assignments/").content.decode()
    assert f"{(10 + 8) * len(sheet.items) / 2:.2f}" in results
    # The meeting recommends A and B.
    province.post(
        "/review/meetings/",
        {
            "kind": "joint",
            "held_on": str(timezone.localdate()),
            "title": "省级部门联审",
            "attendees": "省工信厅\n省生态环境厅",
        },
    )
    with unscoped():
        meeting = ReviewMeeting.objects.get()
    for app in (world.app_a, world.app_b):
        province.post(
            f"/review/meetings/{meeting.pk}/",
            {"application": app.pk, "target": "province_recommended", "basis": "联审同意"},
        )
    with unscoped():
        assert set(Application.objects.filter(state="province_recommended").values_list("pk", flat=True)) == {
            world.app_a.pk,
            world.app_b.pk,
        }
    # 公示 for five days that ended yesterday, with one objection upheld against B.
    start = timezone.localdate() - dt.timedelta(days=5)
    province.post(
        f"/notices/?batch={world.batch.code}",
        {"title": "关于拟推荐名单的公示", "starts_on": str(start), "days": "5", "contact": "节能处 0311-1"},
    )
    with unscoped():
        notice = PublicNotice.objects.get()
    assert notice.ends_on == timezone.localdate() - dt.timedelta(days=1)
    public = Client().get(f"/gongshi/{notice.pk}/").content.decode()
    assert world.app_a.organisation.name in public
    assert world.app_b.organisation.name in public
    province.post(
        f"/notices/{notice.pk}/",
        {
            "application": world.app_b.pk,
            "name": "钱某",
            "contact": "13800000000",
            "statement": "反映该企业存在问题。",
            "received_on": str(start + dt.timedelta(days=1)),
        },
    )
    with unscoped():
        objection = Objection.objects.get()
    assert "1 件异议未办结" in province.get(f"/notices/{notice.pk}/").content.decode()
    province.post(
        f"/notices/{notice.pk}/",
        {"action": "close", "objection": objection.pk, "outcome": "upheld", "outcome_text": "经核实属实。"},
    )
    produced = province.post(f"/notices/{notice.pk}/finalise/", follow=True)
    assert "最终名单已形成" in produced.content.decode()
    final = province.get(f"/notices/{notice.pk}/final.xlsx")
    assert final.status_code == 200
    sheet_rows = list(load_workbook(io.BytesIO(final.content)).active.iter_rows(values_only=True))
    names = [row[1] for row in sheet_rows[2:] if isinstance(row[0], int)]
    assert names == [world.app_a.organisation.name]
