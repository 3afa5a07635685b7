"""Holes found in review: producing the final list is an explicit POST (a GET only downloads a
list already produced and never changes anything), and a 公示 dated outside any sensible range
is refused with a message instead of failing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from greenlist.audit.models import Action, AuditEvent
from greenlist.decisions.refusals import RuleRefused
from greenlist.scoping import unscoped
from greenlist.selection import services
from greenlist.selection.models import PublicNotice
from tests.selection.test_notice import objection, publish, recommend

pytestmark = pytest.mark.django_db


def _state(notice: PublicNotice) -> tuple[object, int]:
    with unscoped():
        return (
            PublicNotice.objects.get(pk=notice.pk).finalised_at,
            AuditEvent.objects.filter(action=Action.FINAL_LIST_PRODUCED).count(),
        )


def test_a_get_of_the_final_list_changes_nothing(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    client = world.client(world.province)
    response = client.get(f"/notices/{notice.pk}/final.xlsx", follow=True)
    assert response.redirect_chain
    assert "请先形成最终名单" in response.content.decode()
    assert _state(notice) == (None, 0)


def test_the_final_list_is_produced_by_a_post_once_then_downloaded(world):
    recommend(world.app_a, world.app_c)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    client = world.client(world.province)
    assert client.get(f"/notices/{notice.pk}/finalise/").status_code == 405
    assert _state(notice) == (None, 0)
    response = client.post(f"/notices/{notice.pk}/finalise/", follow=True)
    assert "最终名单已形成" in response.content.decode()
    finalised_at, events = _state(notice)
    assert finalised_at is not None
    assert events == 1
    download = client.get(f"/notices/{notice.pk}/final.xlsx")
    assert download.status_code == 200
    names = [row[1] for row in load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True)]
    assert "石家庄甲钢铁有限公司" in names
    assert "唐山丙陶瓷有限公司" in names
    # Producing it again neither moves the time nor writes a second event.
    client.post(f"/notices/{notice.pk}/finalise/")
    assert _state(notice) == (finalised_at, 1)


def test_a_refused_production_changes_nothing(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate())  # the period has not ended
    client = world.client(world.province)
    response = client.post(f"/notices/{notice.pk}/finalise/", follow=True)
    assert "公示期满后" in response.content.decode()
    assert _state(notice) == (None, 0)
    for user in (world.city, world.user_1):
        assert world.client(user).post(f"/notices/{notice.pk}/finalise/").status_code == 403
    assert _state(notice) == (None, 0)


@pytest.mark.parametrize("starts_on", [dt.date(9999, 12, 25), dt.date(1, 1, 1), dt.date(2200, 1, 1)])
def test_a_notice_dated_far_from_today_is_refused(world, starts_on):
    recommend(world.app_a)
    with pytest.raises(RuleRefused, match="公示开始日期"):
        publish(world, starts_on, days=10)
    with unscoped():
        assert not PublicNotice.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.NOTICE_PUBLISHED).exists()


def test_a_far_date_on_the_page_is_a_message_not_an_error(world):
    recommend(world.app_a)
    client = world.client(world.province)
    response = client.post(
        f"/notices/?batch={world.batch.code}",
        {"title": "公示", "starts_on": "9999-12-25", "days": "10", "contact": "节能处"},
    )
    assert response.status_code == 200
    assert "公示开始日期" in response.content.decode()
    with unscoped():
        assert not PublicNotice.objects.exists()


def test_services_refuse_a_final_list_before_it_is_produced(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    with unscoped(), pytest.raises(RuleRefused, match="请先形成最终名单"):
        services.produced_final_list(notice, actor=world.province)
    assert _state(notice) == (None, 0)


def test_a_re_score_keeps_the_previous_points_in_the_trail(world):
    with unscoped():
        assignment = services.assign(world.app_a, world.expert_3, actor=world.province)
        services.declare(assignment, actor=world.user_3, confirmed=True)
        sheet = services.sheets_for(world.batch).sheet(world.app_a.category)
        services.score(assignment, {item.id: str(item.max) for item in sheet.items}, actor=world.user_3)
        services.score(assignment, {item.id: "0" for item in sheet.items}, actor=world.user_3)
        first, second = AuditEvent.objects.filter(
            action=Action.EXPERT_SCORED, object_id=str(assignment.pk)
        ).order_by("id")
    assert first.details["previous"] is None
    assert second.details["previous"] == {"points": first.details["points"], "total": first.details["total"]}
    assert second.details["total"] != first.details["total"]


def test_adding_an_expert_records_every_value(world):
    client = world.client(world.province)
    client.post(
        "/review/experts/",
        {
            "name": "赵工",
            "field": "园区规划",
            "organisation": "河北省规划院",
            "contact": "0311-9",
            "active": "on",
        },
    )
    with unscoped():
        event = AuditEvent.objects.get(action=Action.EXPERT_ADDED)
    assert event.details["values"]["contact"] == "0311-9"
    assert event.details["values"]["organisation"] == "河北省规划院"
    assert event.details["values"]["active"] is True
    assert event.details["values"]["user"] is None


def test_a_withdrawal_names_the_application_and_its_city(world):
    with unscoped():
        assignment = services.assign(world.app_a, world.expert_3, actor=world.province)
        services.withdraw(assignment, actor=world.province, reason="专业不对口")
        event = AuditEvent.objects.get(action=Action.EXPERT_ASSIGNMENT_WITHDRAWN)
    assert event.unit_id == world.app_a.unit_id
    assert event.details["application"] == world.app_a.pk
    assert event.details["expert"] == world.expert_3.pk


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/applications/{pk}/transition/", {"to": "province_recommended", "reason": "x"}),
        ("/applications/{pk}/transition/", {"to": "returned_by_city", "reason": "x"}),
        ("/applications/{pk}/rulings/", {"rule": "D1", "reason": "x"}),
        ("/applications/{pk}/indicators/", {}),
        ("/applications/{pk}/report/", {}),
        ("/applications/{pk}/edit/", {"listed_name": "改名"}),
        ("/selection/", {}),
        ("/ranking/recommend/", {}),
    ],
)
def test_an_expert_cannot_write_to_the_application_it_reviews(world, path, data):
    from greenlist.campaign.models import Application

    with unscoped():
        services.assign(world.app_a, world.expert_3, actor=world.province)
        before = (AuditEvent.objects.count(), Application.objects.get(pk=world.app_a.pk).state)
    # Refused as 403/404/405, or (the indicators page) as a message on the page: either way,
    # nothing changes and nothing is audited.
    world.client(world.user_3).post(path.format(pk=world.app_a.pk), data)
    with unscoped():
        assert (AuditEvent.objects.count(), Application.objects.get(pk=world.app_a.pk).state) == before


def test_the_public_page_keeps_the_list_until_the_period_starts(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() + dt.timedelta(days=3))
    page = world.client(None).get(f"/gongshi/{notice.pk}/").content.decode()
    assert notice.title in page
    assert "未开始" in page
    assert "石家庄甲钢铁有限公司" not in page
    assert "石家庄市" not in page


def test_a_conflict_arising_after_the_assignment_blocks_the_score(world):
    from greenlist.registry.models import RecommendingUnit

    with unscoped():
        assignment = services.assign(world.app_a, world.expert_3, actor=world.province)
        services.declare(assignment, actor=world.user_3, confirmed=True)
        # The pool entry is changed afterwards (on the web or in the admin): the expert now works
        # in the applicant's own city.
        services.update_expert(
            world.expert_3, {"unit": RecommendingUnit.objects.get(name="石家庄市")}, actor=world.province
        )
        sheet = services.sheets_for(world.batch).sheet(world.app_a.category)
        with pytest.raises(RuleRefused, match="回避"):
            services.score(assignment, {item.id: str(item.max) for item in sheet.items}, actor=world.user_3)
        stored = type(assignment).objects.get(pk=assignment.pk)
        assert (stored.scored_at, stored.total, stored.points) == (None, None, {})
        assert not AuditEvent.objects.filter(action=Action.EXPERT_SCORED).exists()


def test_a_refused_assignment_is_not_shown_on_the_application_s_page(world):
    from greenlist.accounts.models import Role
    from greenlist.registry.models import RecommendingUnit
    from tests.conftest import make_user

    with unscoped():
        tangshan = make_user("s_city_ts", Role.CITY, unit=RecommendingUnit.objects.get(name="唐山市"))
        applicant = make_user("s_app_c", Role.APPLICANT, organisation=world.app_c.organisation)
        with pytest.raises(RuleRefused):
            services.assign(world.app_c, world.expert_2, actor=world.province)  # 李工 is of 唐山市
        refusal = AuditEvent.objects.get(action=Action.EXPERT_ASSIGNMENT_REFUSED)
    for user in (tangshan, applicant):
        page = world.client(user).get(f"/applications/{world.app_c.pk}/").content.decode()
        assert world.app_c.organisation.name in page
        assert "李工" not in page
        assert "回避" not in page
    # The province's trail keeps the refusal, with the application and the expert it names.
    assert (refusal.details["application"], refusal.details["expert"]) == (world.app_c.pk, world.expert_2.pk)
    assert refusal.unit_id == world.app_c.unit_id


def test_a_refusal_of_the_role_is_a_403_not_an_error(world, monkeypatch):
    from greenlist.decisions.refusals import NotPermitted

    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))

    def refuse(*args, **kwargs):
        raise NotPermitted("只有省工业和信息化厅可以进行此项操作。")

    # The service is the last word on the role, whatever the view checked before it.
    monkeypatch.setattr(services, "produce_final_list", refuse)
    monkeypatch.setattr(services, "produced_final_list", refuse)
    client = world.client(world.province)
    client.raise_request_exception = False
    assert client.post(f"/notices/{notice.pk}/finalise/").status_code == 403
    assert client.get(f"/notices/{notice.pk}/final.xlsx").status_code == 403
    assert _state(notice) == (None, 0)


def test_an_objection_entered_while_the_list_is_being_produced_blocks_it(world, monkeypatch):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    real_gate = services.gate
    entered: list[int] = []

    def gate_then_objection(*args, **kwargs):
        verdict = real_gate(*args, **kwargs)
        if not entered:  # another request enters an objection right after the first check
            entered.append(objection(world, notice, world.app_a).pk)
        return verdict

    monkeypatch.setattr(services, "gate", gate_then_objection)
    with unscoped(), pytest.raises(RuleRefused, match="异议未办结"):
        services.produce_final_list(notice, actor=world.province)
    assert _state(notice) == (None, 0)
