"""The scoping matrix: every scoped model's list and detail, for every persona."""

from __future__ import annotations

import datetime as dt

import pytest

from greenlist.accounts.models import User
from greenlist.accounts.registration import register_applicant
from greenlist.accounts.scopes import scope_for
from greenlist.campaign.models import (
    Application,
    Attachment,
    CompanyOpinion,
    Consultation,
    Engagement,
    IndicatorCheck,
    UnitSubmission,
)
from greenlist.dynamic.models import Filing, FilingReview, OnSiteCheck
from greenlist.registry.models import (
    CultivationTarget,
    NegativeRecord,
    Organisation,
    ProvincialListEntry,
    RegisterEvent,
    RegisterProposal,
)
from greenlist.registry.register import visible_entries
from greenlist.scoping import Scope, ScopeError, scope, unscoped
from greenlist.selection.models import (
    Expert,
    MeetingDecision,
    Objection,
    PublicNotice,
    ReviewAssignment,
    ReviewMeeting,
)


def visible(model, user: User | None) -> set[int]:
    with scope(scope_for(user) if user else Scope.nothing()):
        return set(model.objects.values_list("pk", flat=True))


@pytest.fixture
def world(personas, batch):
    with unscoped():
        for app, user in [(personas.app_x, personas.applicant_x), (personas.app_y, personas.applicant_y)]:
            Attachment.objects.create(
                application=app,
                kind="other",
                file="x.pdf",
                original_name="x.pdf",
                sha256="0" * 64,
                size=1,
                uploaded_by=user,
            )
            Consultation.objects.create(
                batch=batch,
                unit=app.unit,
                department="market_regulation",
                opinion="同意",
                recorded_by=personas.province,
            )
            UnitSubmission.objects.create(batch=batch, unit=app.unit)
            IndicatorCheck.objects.create(
                application=app,
                indicator="EN1",
                status="queried",
                query="请说明",
                checked_by=personas.province,
            )
            NegativeRecord(
                uscc=app.organisation.uscc, name=app.organisation.name, type="tax_evasion", start="2023-01-01"
            ).save()
        NegativeRecord(uscc="", name="无关企业有限公司", type="tax_evasion", start="2023-01-01").save()
        from tests.conftest import make_evaluator

        other = make_evaluator("唐山另一评价机构")
        for app, evaluator in [(personas.app_x, personas.evaluator_org), (personas.app_y, other)]:
            now = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
            Engagement.objects.create(application=app, evaluator=evaluator, requested_at=now)
            CompanyOpinion.objects.create(
                application=app,
                department="market_regulation",
                agrees=False,
                opinion="有环境违法记录",
                recorded_by=personas.province,
                recorded_at=now,
            )
    return personas


def rows_of(model, unit_name: str) -> set[int]:
    with unscoped():
        if model is Organisation:
            return set(model.objects.filter(unit__name=unit_name).values_list("pk", flat=True))
        if model is NegativeRecord:
            return set(
                model.objects.filter(
                    uscc__in=Organisation.objects.filter(unit__name=unit_name).values("uscc")
                ).values_list("pk", flat=True)
            )
        if model in (Attachment, IndicatorCheck, Engagement, CompanyOpinion):
            return set(model.objects.filter(application__unit__name=unit_name).values_list("pk", flat=True))
        return set(model.objects.filter(unit__name=unit_name).values_list("pk", flat=True))


def all_rows(model) -> set[int]:
    with unscoped():
        return set(model.objects.values_list("pk", flat=True))


SCOPED = [
    Application,
    Attachment,
    Consultation,
    UnitSubmission,
    Organisation,
    NegativeRecord,
    IndicatorCheck,
    Engagement,
    CompanyOpinion,
]


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_the_province_sees_everything(world, model):
    assert visible(model, world.province) == all_rows(model)


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("who", "unit_name"), [("city_a", "石家庄市"), ("city_b", "唐山市"), ("dept_a", "石家庄市")]
)
def test_city_and_department_see_only_their_unit(world, model, who, unit_name):
    seen = visible(model, getattr(world, who))
    assert seen == rows_of(model, unit_name)
    assert seen  # the fixture gave every unit something to see
    other = "唐山市" if unit_name == "石家庄市" else "石家庄市"
    assert not seen & rows_of(model, other)


@pytest.mark.parametrize(
    "model",
    [Application, Attachment, Organisation, NegativeRecord, IndicatorCheck, Engagement],
    ids=lambda m: m.__name__,
)
def test_an_applicant_sees_only_its_own(world, model):
    seen = visible(model, world.applicant_x)
    assert seen and seen <= rows_of(model, "石家庄市")
    assert not seen & visible(model, world.applicant_y)


@pytest.mark.parametrize("model", [Consultation, UnitSubmission, CompanyOpinion], ids=lambda m: m.__name__)
def test_an_applicant_sees_no_unit_work(world, model):
    assert visible(model, world.applicant_x) == set()


def test_an_evaluator_sees_only_the_projects_it_evaluates(world):
    assert visible(Application, world.evaluator) == {world.app_x.pk}
    assert visible(Organisation, world.evaluator) == {world.org_x.pk}
    assert visible(Consultation, world.evaluator) == set()
    assert visible(NegativeRecord, world.evaluator) == set()
    with unscoped():
        own = set(Engagement.objects.filter(evaluator=world.evaluator_org).values_list("pk", flat=True))
    assert own and visible(Engagement, world.evaluator) == own  # its requests, not another's
    assert visible(CompanyOpinion, world.evaluator) == set()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_registration_pending_for_a_known_firm_sees_nothing(world, model):
    with unscoped():
        pending = register_applicant(
            uscc=world.org_x.uscc,
            name="石家庄甲公司",
            unit=world.org_x.unit,
            industry="",
            username="pending",
            email="pending@example.com",
            password="correct-horse-battery",
        )
    assert scope_for(pending) == Scope.nothing()
    assert visible(model, pending) == set()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_anonymous_sees_nothing(world, model):
    assert visible(model, None) == set()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_query_without_a_scope_fails_loudly(world, model):
    with pytest.raises(ScopeError, match="未设定数据范围"):
        list(model.objects.all())


def test_a_city_account_without_a_unit_sees_nothing_rather_than_everything(world):
    orphan = User(username="orphan", role="city")
    assert scope_for(orphan).everything is False
    assert visible(Application, orphan) == set()


DETAIL_STATUS = {
    # persona → (status for app_x, status for app_y)
    "province": (200, 200),
    "city_a": (200, 404),
    "city_b": (404, 200),
    "dept_a": (200, 404),
    "applicant_x": (200, 404),
    "applicant_y": (404, 200),
    "evaluator": (200, 404),
}


@pytest.mark.parametrize("who", list(DETAIL_STATUS))
def test_application_detail_pages_follow_the_scope(world, who):
    client = world.client(getattr(world, who))
    got = tuple(client.get(f"/applications/{app.pk}/").status_code for app in (world.app_x, world.app_y))
    assert got == DETAIL_STATUS[who]


def test_anonymous_is_sent_to_the_login_page(world):
    response = world.client(None).get(f"/applications/{world.app_x.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_list_page_shows_a_city_only_its_own_unit(world):
    page = world.client(world.city_b).get("/applications/").content.decode()
    assert "唐山乙公司" in page and "石家庄甲公司" not in page


def test_another_citys_transition_is_refused_over_http(world):
    with unscoped():
        Application.objects.filter(pk=world.app_x.pk).update(state="submitted")
    response = world.client(world.city_b).post(
        f"/applications/{world.app_x.pk}/transition/", {"target": "city_review"}
    )
    assert response.status_code == 404
    with unscoped():
        assert Application.objects.get(pk=world.app_x.pk).state == "submitted"


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "who", ["province", "city_a", "city_b", "dept_a", "applicant_x", "applicant_y", "evaluator"]
)
def test_detail_lookups_reach_exactly_the_rows_of_the_list(world, model, who):
    user = getattr(world, who)
    seen = visible(model, user)
    with scope(scope_for(user)):
        for pk in all_rows(model):
            if pk in seen:
                assert model.objects.get(pk=pk).pk == pk
            else:
                with pytest.raises(model.DoesNotExist):
                    model.objects.get(pk=pk)


# --- 年度动态管理: filings, their reviews and on-site checks follow the filing's unit and uscc ---

DYNAMIC = [Filing, FilingReview, OnSiteCheck]


@pytest.fixture
def filings(personas):
    with unscoped():
        for org in (personas.org_x, personas.org_y):
            entry = ProvincialListEntry.objects.get(uscc=org.uscc)
            filing = Filing.objects.create(
                entry=entry, cycle_year=2025, form_version="dynamic-form-v1", state="onsite_ordered"
            )
            FilingReview.objects.create(filing=filing, decision="onsite", decided_by=personas.city_a)
            OnSiteCheck.objects.create(
                filing=filing, assignee="核查人员", due_on="2025-03-20", ordered_by=personas.city_a
            )
    return personas


def dynamic_rows(model, *, unit_name: str | None = None, uscc: str | None = None) -> set[int]:
    prefix = "" if model is Filing else "filing__"
    with unscoped():
        rows = model.objects.all()
        if unit_name is not None:
            rows = rows.filter(**{f"{prefix}unit__name": unit_name})
        if uscc is not None:
            rows = rows.filter(**{f"{prefix}uscc": uscc})
        return set(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("model", DYNAMIC, ids=lambda m: m.__name__)
def test_dynamic_records_province_sees_all_cities_and_applicants_their_own(filings, model):
    assert visible(model, filings.province) == dynamic_rows(model)
    for who, unit_name, other in (("city_a", "石家庄市", "唐山市"), ("city_b", "唐山市", "石家庄市")):
        seen = visible(model, getattr(filings, who))
        assert seen == dynamic_rows(model, unit_name=unit_name)
        assert seen
        assert not seen & dynamic_rows(model, unit_name=other)
    assert visible(model, filings.dept_a) == dynamic_rows(model, unit_name="石家庄市")
    assert visible(model, filings.applicant_x) == dynamic_rows(model, uscc=filings.org_x.uscc)
    assert visible(model, filings.applicant_y) == dynamic_rows(model, uscc=filings.org_y.uscc)
    assert visible(model, filings.evaluator) == set()
    assert visible(model, None) == set()
    with pytest.raises(ScopeError, match="未设定数据范围"):
        list(model.objects.all())


# The province's selection (greenlist.selection): the province sees it all, a review expert their
# own pool entry and assignments (and the applications behind them), everyone else nothing.
SELECTION = [Expert, ReviewAssignment, ReviewMeeting, MeetingDecision, PublicNotice, Objection]
OUTSIDERS = ["city_a", "city_b", "dept_a", "applicant_x", "applicant_y", "evaluator"]


@pytest.fixture
def reviewed(world, batch):
    with unscoped():
        world.expert_user = User.objects.create(username="s_expert", role="expert")
        world.other_expert_user = User.objects.create(username="s_expert_other", role="expert")
        world.expert = Expert.objects.create(
            name="甲专家", field="节能", organisation="某大学", contact="1", user=world.expert_user
        )
        world.other_expert = Expert.objects.create(
            name="乙专家", field="节能", organisation="某学院", contact="2", user=world.other_expert_user
        )
        world.assignment = ReviewAssignment.objects.create(
            application=world.app_x, expert=world.expert, assigned_by=world.province
        )
        world.other_assignment = ReviewAssignment.objects.create(
            application=world.app_y, expert=world.other_expert, assigned_by=world.province
        )
        meeting = ReviewMeeting.objects.create(
            batch=batch,
            kind="joint",
            held_on="2024-08-01",
            title="联审",
            attendees="甲",
            recorded_by=world.province,
        )
        MeetingDecision.objects.create(
            meeting=meeting, application=world.app_x, target="province_recommended", basis="x"
        )
        notice = PublicNotice.objects.create(
            batch=batch,
            title="公示",
            starts_on="2024-08-01",
            ends_on="2024-08-05",
            days=5,
            contact="节能处",
            entries=[],
            published_by=world.province,
        )
        Objection.objects.create(
            notice=notice,
            application_id_listed=world.app_x.pk,
            listed_name="甲",
            name="周某",
            contact="1",
            statement="x",
            received_on="2024-08-02",
            entered_by=world.province,
        )
    return world


@pytest.mark.parametrize("model", SELECTION, ids=lambda m: m.__name__)
def test_the_province_sees_all_of_the_selection(reviewed, model):
    assert visible(model, reviewed.province) == all_rows(model)
    assert all_rows(model)


@pytest.mark.parametrize("model", SELECTION, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_other_role_sees_the_selection(reviewed, model, who):
    assert visible(model, getattr(reviewed, who)) == set()


@pytest.mark.parametrize("model", SELECTION, ids=lambda m: m.__name__)
def test_selection_queries_need_a_scope(reviewed, model):
    assert visible(model, None) == set()


# The register's scoped models: a listed unit's history, the proposals about it, the 培育对象.
REGISTER_SCOPED = [RegisterEvent, RegisterProposal, CultivationTarget]


@pytest.fixture
def register_world(personas):
    with unscoped():
        for city, org in ((personas.city_a, personas.org_x), (personas.city_b, personas.org_y)):
            entries = list(ProvincialListEntry.objects.filter(unit=org.unit))
            for entry in entries:
                RegisterEvent.objects.create(entry=entry, on=dt.date(2022, 1, 1), kind="listed")
            own = next(e for e in entries if e.uscc == org.uscc)
            other = next(e for e in entries if e.uscc != org.uscc)
            for entry in (own, other):
                RegisterProposal.objects.create(
                    entry=entry,
                    kind="removal",
                    reason="核查",
                    effective_on=dt.date(2024, 3, 1),
                    proposed_by=city,
                )
                CultivationTarget.objects.create(
                    uscc=entry.uscc,
                    name=entry.name,
                    category="factory",
                    level="provincial",
                    unit=org.unit,
                    named_on=dt.date(2024, 1, 1),
                    valid_until=dt.date(2026, 12, 31),
                )
    return personas


def register_rows_of(model, unit_name: str) -> set[int]:
    with unscoped():
        if model is CultivationTarget:
            return set(model.objects.filter(unit__name=unit_name).values_list("pk", flat=True))
        return set(model.objects.filter(entry__unit__name=unit_name).values_list("pk", flat=True))


def register_rows_of_firm(model, uscc: str) -> set[int]:
    with unscoped():
        if model is CultivationTarget:
            return set(model.objects.filter(uscc=uscc).values_list("pk", flat=True))
        return set(model.objects.filter(entry__uscc=uscc).values_list("pk", flat=True))


@pytest.mark.parametrize("model", REGISTER_SCOPED, ids=lambda m: m.__name__)
def test_the_province_sees_the_whole_register(register_world, model):
    assert visible(model, register_world.province) == all_rows(model)


@pytest.mark.parametrize("model", REGISTER_SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    ("who", "unit_name"), [("city_a", "石家庄市"), ("city_b", "唐山市"), ("dept_a", "石家庄市")]
)
def test_city_and_department_see_only_their_units_register(register_world, model, who, unit_name):
    seen = visible(model, getattr(register_world, who))
    assert seen and seen == register_rows_of(model, unit_name)
    other = "唐山市" if unit_name == "石家庄市" else "石家庄市"
    assert not seen & register_rows_of(model, other)


@pytest.mark.parametrize("model", [RegisterEvent, CultivationTarget], ids=lambda m: m.__name__)
def test_an_applicant_sees_only_its_own_register_rows(register_world, model):
    seen = visible(model, register_world.applicant_x)
    assert seen and seen == register_rows_of_firm(model, register_world.org_x.uscc)


@pytest.mark.parametrize("who", ["applicant_x", "applicant_y", "evaluator"])
def test_proposals_are_unit_work_only(register_world, who):
    assert visible(RegisterProposal, getattr(register_world, who)) == set()


@pytest.mark.parametrize("model", REGISTER_SCOPED, ids=lambda m: m.__name__)
def test_the_register_without_a_scope_fails_loudly_and_shows_anonymous_nothing(register_world, model):
    assert visible(model, None) == set()
    assert visible(model, register_world.evaluator) == set()
    with pytest.raises(ScopeError, match="未设定数据范围"):
        list(model.objects.all())


def test_an_expert_sees_only_their_assignments(reviewed):
    w = reviewed
    assert visible(ReviewAssignment, w.expert_user) == {w.assignment.pk}
    assert visible(Expert, w.expert_user) == {w.expert.pk}
    assert visible(Application, w.expert_user) == {w.app_x.pk}
    assert visible(Attachment, w.expert_user) == rows_of(Attachment, "石家庄市")
    assert visible(Application, w.other_expert_user) == {w.app_y.pk}
    for model in (
        Consultation,
        UnitSubmission,
        Organisation,
        NegativeRecord,
        ReviewMeeting,
        MeetingDecision,
        PublicNotice,
        Objection,
    ):
        assert visible(model, w.expert_user) == set()
    # A withdrawn assignment, or an expert taken out of the pool, sees nothing any more.
    with unscoped():
        ReviewAssignment.objects.filter(pk=w.assignment.pk).update(withdrawn_at="2024-08-02T00:00:00+08:00")
    assert visible(Application, w.expert_user) == set()
    with unscoped():
        Expert.objects.filter(pk=w.other_expert.pk).update(active=False)
    assert scope_for(w.other_expert_user) == Scope.nothing()


def test_an_expert_account_without_a_pool_entry_sees_nothing(reviewed):
    with unscoped():
        lonely = User.objects.create(username="s_expert_lonely", role="expert")
    assert scope_for(lonely) == Scope.nothing()
    assert visible(Application, lonely) == set()


@pytest.mark.parametrize("model", REGISTER_SCOPED, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["province", "city_a", "city_b", "dept_a", "applicant_x", "evaluator"])
def test_register_detail_lookups_reach_exactly_the_rows_of_the_list(register_world, model, who):
    user = getattr(register_world, who)
    seen = visible(model, user)
    with scope(scope_for(user)):
        for pk in all_rows(model):
            if pk in seen:
                assert model.objects.get(pk=pk).pk == pk
            else:
                with pytest.raises(model.DoesNotExist):
                    model.objects.get(pk=pk)


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("province", {"石家庄市", "唐山市"}),
        ("city_a", {"石家庄市"}),
        ("dept_a", {"石家庄市"}),
        ("evaluator", set()),
    ],
)
def test_the_register_entries_follow_the_same_scope(register_world, who, units):
    entries = visible_entries(scope_for(getattr(register_world, who)))
    with unscoped():
        assert set(entries.values_list("unit__name", flat=True)) == units
    own = visible_entries(scope_for(register_world.applicant_x))
    assert set(own.values_list("uscc", flat=True)) == {register_world.org_x.uscc}
