"""Expert review on the web: the pool, conflict-of-interest refusals, what an expert sees, the
score sheet, aggregation on the province's page, and the meeting's decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from greenlist.accounts.scopes import scope_for
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application
from greenlist.scoping import scope, unscoped
from greenlist.selection import services
from greenlist.selection.models import Expert, ReviewAssignment, ReviewMeeting
from tests.conftest import make_evaluator

pytestmark = pytest.mark.django_db


def assigned(world, app, expert):
    with unscoped():
        return services.assign(app, expert, actor=world.province)


def test_the_province_adds_an_expert_on_the_web(world):
    client = world.client(world.province)
    response = client.post(
        "/review/experts/",
        {
            "name": "赵工",
            "field": "园区规划",
            "organisation": "河北省规划院",
            "contact": "0311-9",
            "active": "on",
        },
    )
    assert response.status_code == 302
    with unscoped():
        expert = Expert.objects.get(name="赵工")
        assert AuditEvent.objects.filter(action=Action.EXPERT_ADDED, object_id=str(expert.pk)).exists()
    page = client.get("/review/experts/").content.decode()
    assert "赵工" in page
    assert "河北省规划院" in page


def test_a_city_may_not_touch_the_pool(world):
    client = world.client(world.city)
    with unscoped():
        before = Expert.objects.count()
    assert (
        client.post(
            "/review/experts/", {"name": "x", "field": "x", "organisation": "x", "contact": "x"}
        ).status_code
        == 403
    )
    with unscoped():
        assert Expert.objects.count() == before


def test_an_expert_of_the_same_city_is_refused_and_the_refusal_is_audited(world):
    with unscoped():
        world.expert_1.unit = world.app_a.unit
        world.expert_1.save()
    response = world.client(world.province).post(
        "/review/assignments/", {"application": world.app_a.pk, "expert": world.expert_1.pk}, follow=True
    )
    page = response.content.decode()
    assert "COI3" in page
    assert "应当回避" in page
    with unscoped():
        assert not ReviewAssignment.objects.exists()
        refusal = AuditEvent.objects.get(action=Action.EXPERT_ASSIGNMENT_REFUSED)
        assert refusal.details["rules"] == ["COI3"]
        assert (refusal.object_type, refusal.object_id) == ("selection.Expert", str(world.expert_1.pk))
        assert refusal.details["application"] == world.app_a.pk


def test_the_evaluator_s_own_people_and_the_applicant_s_are_refused(world):
    with unscoped():
        app = world.app_a
        app.method = "third_party"
        app.evaluator = make_evaluator("河北工业大学")
        app.save()
        with pytest.raises(services.RuleRefused, match="COI2"):
            services.assign(app, world.expert_1, actor=world.province)
        world.expert_3.organisation = app.organisation.name
        world.expert_3.save()
        with pytest.raises(services.RuleRefused, match="COI1"):
            services.assign(app, world.expert_3, actor=world.province)
        assert not ReviewAssignment.objects.exists()
        assert AuditEvent.objects.filter(action=Action.EXPERT_ASSIGNMENT_REFUSED).count() == 2


def test_only_recommended_applications_are_reviewed(world):
    with unscoped():
        Application.objects.filter(pk=world.app_b.pk).update(state="city_review")
        with pytest.raises(services.RuleRefused, match="拟推荐"):
            services.assign(world.app_b, world.expert_1, actor=world.province)


def test_an_expert_sees_only_their_assignments(world):
    mine = assigned(world, world.app_a, world.expert_1)
    theirs = assigned(world, world.app_c, world.expert_3)
    with scope(scope_for(world.user_1)):
        assert set(Application.objects.values_list("pk", flat=True)) == {world.app_a.pk}
        assert set(ReviewAssignment.objects.values_list("pk", flat=True)) == {mine.pk}
        assert set(Expert.objects.values_list("pk", flat=True)) == {world.expert_1.pk}
    client = world.client(world.user_1)
    home = client.get("/review/").content.decode()
    assert world.app_a.organisation.name in home
    assert world.app_b.organisation.name not in home
    assert world.app_c.organisation.name not in home
    assert client.get(f"/review/sheets/{theirs.pk}/").status_code == 404
    assert client.get(f"/applications/{world.app_c.pk}/").status_code == 404
    # The province's pages are closed to an expert.
    assert client.get("/review/assignments/").status_code == 403
    # A withdrawn assignment takes the application out of view.
    with unscoped():
        services.withdraw(mine, actor=world.province, reason="专家因故不能参加")
    with scope(scope_for(world.user_1)):
        assert not Application.objects.exists()


def test_an_expert_without_a_pool_entry_sees_nothing(world):
    with unscoped():
        world.expert_1.active = False
        world.expert_1.save()
    assigned_world = scope_for(world.user_1)
    assert assigned_world.expert_id is None
    with scope(assigned_world):
        assert not Application.objects.exists()


def test_the_sheet_asks_for_the_declaration_then_checks_each_item(world):
    assignment = assigned(world, world.app_a, world.expert_1)
    client = world.client(world.user_1)
    url = f"/review/sheets/{assignment.pk}/"
    page = client.get(url).content.decode()
    assert "无利益冲突声明" in page
    assert "本人确认以上声明属实" in page
    # Scoring before the declaration is refused.
    refused = client.post(url, {"item_basics": "10"}, follow=True).content.decode()
    assert "请先签署无利益冲突声明" in refused
    # Declaring without ticking the confirmation is refused.
    client.post(url, {"action": "declare"})
    with unscoped():
        assert ReviewAssignment.objects.get(pk=assignment.pk).declared_at is None
    client.post(url, {"action": "declare", "confirm": "on"})
    with unscoped():
        assert ReviewAssignment.objects.get(pk=assignment.pk).declared_at is not None
        assert AuditEvent.objects.filter(action=Action.EXPERT_DECLARED).count() == 1
    sheet = services.sheets_for(world.batch).sheet("factory")
    good = {f"item_{item.id}": str(item.max - 2) for item in sheet.items}
    bad = dict(good, item_basics="25")
    response = client.post(url, bad).content.decode()
    assert "超出范围" in response
    assert "0 至 20" in response
    with unscoped():
        assert ReviewAssignment.objects.get(pk=assignment.pk).total is None
    client.post(url, dict(good, comment="材料完整"))
    with unscoped():
        stored = ReviewAssignment.objects.get(pk=assignment.pk)
        assert stored.total == sheet.max_total - 2 * len(sheet.items)
        assert stored.sheet_file == "default.yaml"
        assert AuditEvent.objects.filter(action=Action.EXPERT_SCORED, object_id=str(stored.pk)).exists()


def test_another_expert_cannot_score_an_assignment(world):
    assignment = assigned(world, world.app_a, world.expert_1)
    with unscoped(), pytest.raises(services.NotPermitted):
        services.declare(assignment, actor=world.user_2, confirmed=True)


def _scored(world, app, expert, total_points):
    assignment = assigned(world, app, expert)
    sheet = services.sheets_for(world.batch).sheet(app.category)
    with unscoped():
        services.declare(assignment, actor=expert.user, confirmed=True)
        remaining = total_points
        entered = {}
        for item in sheet.items:
            value = min(item.max, remaining)
            entered[item.id] = str(value)
            remaining -= value
        services.score(assignment, entered, actor=expert.user)


def test_the_province_sees_mean_and_spread(world):
    _scored(world, world.app_a, world.expert_1, 90)
    _scored(world, world.app_a, world.expert_3, 65)
    page = world.client(world.province).get("/review/assignments/").content.decode()
    assert "77.50" in page
    assert "分差过大" in page
    with unscoped():
        row = next(r for r in services.results(world.batch) if r.application.pk == world.app_a.pk)
    assert row.aggregate.count == 2
    assert row.aggregate.spread_flagged


def test_the_meeting_decides_through_the_workflow(world):
    client = world.client(world.province)
    response = client.post(
        "/review/meetings/",
        {
            "kind": "topic",
            "held_on": "2024-08-01",
            "title": "省级绿色制造名单专题会审",
            "attendees": "张三 节能处处长",
        },
    )
    assert response.status_code == 302
    with unscoped():
        meeting = ReviewMeeting.objects.get()
    client.post(
        f"/review/meetings/{meeting.pk}/",
        {
            "application": world.app_a.pk,
            "target": "province_recommended",
            "basis": "专家评审平均分 88 分，排名第一",
        },
    )
    client.post(
        f"/review/meetings/{meeting.pk}/",
        {"application": world.app_b.pk, "target": "province_not_recommended", "basis": ""},
    )
    with unscoped():
        assert Application.objects.get(pk=world.app_a.pk).state == "province_recommended"
        assert Application.objects.get(pk=world.app_b.pk).state == "city_recommended"  # no basis: refused
        move = AuditEvent.objects.filter(
            action=Action.APPLICATION_TRANSITION, object_id=str(world.app_a.pk)
        ).last()
        assert move is not None
        assert "专题会审" in move.reason
        assert "省级绿色制造名单专题会审" in move.reason
        assert "排名第一" in move.reason
        assert AuditEvent.objects.filter(action=Action.REVIEW_MEETING_DECISION).count() == 1
    page = client.get(f"/review/meetings/{meeting.pk}/").content.decode()
    assert "排名第一" in page


def test_scoring_closes_once_the_province_has_decided(world):
    assignment = assigned(world, world.app_a, world.expert_1)
    with unscoped():
        services.declare(assignment, actor=world.user_1, confirmed=True)
        Application.objects.filter(pk=world.app_a.pk).update(state="province_recommended")
        with pytest.raises(services.RuleRefused, match="评分已截止"):
            services.score(assignment, {}, actor=world.user_1)


def test_an_expert_may_recuse_before_scoring(world):
    assignment = assigned(world, world.app_a, world.expert_1)
    client = world.client(world.user_1)
    client.post(f"/review/sheets/{assignment.pk}/", {"action": "recuse", "reason": ""})
    with unscoped():
        assert ReviewAssignment.objects.get(pk=assignment.pk).withdrawn_at is None
    response = client.post(
        f"/review/sheets/{assignment.pk}/", {"action": "recuse", "reason": "曾为该企业提供咨询"}
    )
    assert response.status_code == 302
    with unscoped():
        assert ReviewAssignment.objects.get(pk=assignment.pk).withdrawn_at is not None
        event = AuditEvent.objects.get(action=Action.EXPERT_ASSIGNMENT_WITHDRAWN)
        assert event.reason == "曾为该企业提供咨询"
        assert event.details["by"] == "expert"
    assert client.get(f"/review/sheets/{assignment.pk}/").status_code == 404
    # The province may assign the expert again later (the same row comes back).
    again = assigned(world, world.app_a, world.expert_1)
    assert again.pk == assignment.pk
    assert again.withdrawn_at is None


def test_a_pool_entry_links_only_an_expert_login(world):
    client = world.client(world.province)
    page = client.post(
        f"/review/experts/{world.expert_3.pk}/",
        {
            "name": "王工",
            "field": "节能",
            "organisation": "燕山大学",
            "contact": "1",
            "user": world.city.pk,
            "active": "on",
        },
    ).content.decode()
    assert "选择一个有效的选项" in page  # the form offers expert logins only
    with unscoped():
        assert Expert.objects.get(pk=world.expert_3.pk).user_id == world.user_3.pk
        expert = Expert.objects.get(pk=world.expert_3.pk)
        expert.user = world.city
        with pytest.raises(ValidationError, match="评审专家"):
            expert.full_clean()


def test_the_admin_lists_the_pool_and_the_records_for_the_province_only(world):
    client = world.client(world.province)
    page = client.get("/admin/selection/expert/").content.decode()
    assert "张工" in page
    assert "河北工业大学" in page
    for path in ("reviewassignment", "reviewmeeting", "publicnotice", "objection"):
        assert client.get(f"/admin/selection/{path}/").status_code == 200
        assert client.get(f"/admin/selection/{path}/add/").status_code == 403  # changed only by its moves
    assert world.client(world.user_1).get("/admin/selection/expert/").status_code == 302
