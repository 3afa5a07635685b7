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
    UnitSubmission,
)
from greenlist.registry.models import NegativeRecord, Organisation
from greenlist.scoping import Scope, ScopeError, scope, unscoped


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
        if model in (Attachment, Engagement, CompanyOpinion):
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
    "model", [Application, Attachment, Organisation, NegativeRecord, Engagement], ids=lambda m: m.__name__
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
