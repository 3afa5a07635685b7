"""Registering with the uscc of an enterprise the registry already holds gives a pending account
that sees nothing of the firm until its city confirms it (issue 15, finding 3)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from greenlist.accounts.models import ClaimCode, ClaimState, OrganisationClaim, User
from greenlist.accounts.scopes import scope_for
from greenlist.audit.models import Action, AuditEvent
from greenlist.scoping import Scope, unscoped
from tests.conftest import make_org, unit

PASSWORD = "green-factory-2024"


def register(uscc: str, username: str, name: str = "冒名登记有限公司") -> Client:
    client = Client()
    client.post(
        "/register/",
        {
            "uscc": uscc,
            "name": name,
            "unit": str(unit("石家庄市").pk),
            "industry": "",
            "username": username,
            "email": f"{username}@example.com",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    return client


def events(action: Action) -> list[AuditEvent]:
    with unscoped():
        return list(AuditEvent.objects.filter(action=action))


def claim_of(username: str) -> OrganisationClaim:
    return OrganisationClaim.objects.get(user__username=username)


@pytest.fixture
def pending(personas) -> Client:
    """An outsider registered with the uscc of 石家庄甲公司 (imported, with an applicant account)."""
    return register(personas.org_x.uscc, "outsider")


def test_registration_with_a_known_uscc_is_pending_and_sees_nothing_until_the_city_confirms(
    personas, pending
):
    user = User.objects.get(username="outsider")
    assert user.organisation_id is None
    assert claim_of("outsider").state == ClaimState.PENDING
    assert scope_for(user) == Scope.nothing()

    home = pending.get("/").content.decode()
    assert "待推荐单位确认" in home
    assert "石家庄甲公司" not in home
    for path in (
        f"/applications/{personas.app_x.pk}/",
        f"/applications/{personas.app_x.pk}/edit/",
        f"/applications/{personas.app_x.pk}/report/",
        f"/applications/{personas.app_x.pk}/indicators/",
    ):
        assert pending.get(path).status_code == 404, path
    assert "石家庄甲公司" not in pending.get("/applications/").content.decode()
    assert pending.get("/applications/new/").status_code == 302
    assert events(Action.ACCOUNT_CLAIM_REQUESTED)

    listed = personas.client(personas.city_a).get("/unit/registrations/").content.decode()
    assert "outsider" in listed and "冒名登记有限公司" in listed
    confirmed = personas.client(personas.city_a).post(
        f"/unit/registrations/{claim_of('outsider').pk}/", {"action": "confirm"}
    )
    assert confirmed.status_code == 302

    user.refresh_from_db()
    assert user.organisation_id == personas.org_x.pk
    assert pending.get(f"/applications/{personas.app_x.pk}/").status_code == 200
    assert "石家庄甲公司" in pending.get("/").content.decode()
    assert [e.actor_id for e in events(Action.ACCOUNT_CLAIM_CONFIRMED)] == [personas.city_a.pk]


def test_an_imported_firm_without_an_account_is_pending_too_and_the_real_firm_can_still_register(db):
    with unscoped():
        imported = make_org("石家庄市", "石家庄导入有限公司")
    register(imported.uscc, "first")
    register(imported.uscc, "second")
    for username in ("first", "second"):
        user = User.objects.get(username=username)
        assert user.organisation_id is None
        assert claim_of(username).organisation_id == imported.pk
        assert user.first_name == "冒名登记有限公司"  # what they typed, not the registry's name


def test_the_one_time_code_confirms_once(personas, pending):
    page = personas.client(personas.city_a).post(
        f"/unit/registrations/{claim_of('outsider').pk}/", {"action": "code"}
    )
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", page.content.decode()).group(0)
    assert code not in ClaimCode.objects.get().code_hash

    pending.post("/account/claim-code/", {"code": code.lower()})
    assert User.objects.get(username="outsider").organisation_id == personas.org_x.pk
    assert claim_of("outsider").state == ClaimState.CONFIRMED
    assert pending.get(f"/applications/{personas.app_x.pk}/").status_code == 200
    assert len(events(Action.CLAIM_CODE_ACCEPTED)) == 1

    other = register(personas.org_x.uscc, "latecomer")
    refused = other.post("/account/claim-code/", {"code": code}, follow=True).content.decode()
    assert "已使用过" in refused
    assert User.objects.get(username="latecomer").organisation_id is None
    assert [e.reason for e in events(Action.CLAIM_CODE_REFUSED)] == ["确认码已使用"]


def test_a_wrong_or_expired_code_is_refused_audited_and_changes_nothing(personas, pending):
    personas.client(personas.city_a).post(
        f"/unit/registrations/{claim_of('outsider').pk}/", {"action": "code"}
    )
    wrong = pending.post("/account/claim-code/", {"code": "2222-3333-4444"}, follow=True).content.decode()
    assert "确认码不正确" in wrong

    page = personas.client(personas.city_a).post(
        f"/unit/registrations/{claim_of('outsider').pk}/", {"action": "code"}
    )
    code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", page.content.decode()).group(0)
    ClaimCode.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    expired = pending.post("/account/claim-code/", {"code": code}, follow=True).content.decode()
    assert "已过期" in expired

    assert User.objects.get(username="outsider").organisation_id is None
    assert claim_of("outsider").state == ClaimState.PENDING
    assert not ClaimCode.objects.filter(used_at__isnull=False).exists()
    refusals = events(Action.CLAIM_CODE_REFUSED)
    assert [e.reason for e in refusals] == ["确认码不正确", "确认码已过期"]
    assert {e.actor_id for e in refusals} == {User.objects.get(username="outsider").pk}
    assert pending.get(f"/applications/{personas.app_x.pk}/").status_code == 404


def test_a_city_of_another_unit_can_neither_see_nor_confirm_nor_issue_a_code(personas, pending):
    claim = claim_of("outsider")
    city_b = personas.client(personas.city_b)
    assert "outsider" not in city_b.get("/unit/registrations/").content.decode()
    for action in ("confirm", "code", "reject"):
        response = city_b.post(f"/unit/registrations/{claim.pk}/", {"action": action, "reason": "x"})
        assert response.status_code == 404
    assert (
        personas.client(personas.dept_a)
        .post(f"/unit/registrations/{claim.pk}/", {"action": "confirm"})
        .status_code
        == 403
    )
    claim.refresh_from_db()
    assert claim.state == ClaimState.PENDING
    assert not ClaimCode.objects.exists()
    assert User.objects.get(username="outsider").organisation_id is None


def test_a_rejection_needs_a_reason_which_the_registrant_then_sees(personas, pending):
    claim = claim_of("outsider")
    city = personas.client(personas.city_a)
    city.post(f"/unit/registrations/{claim.pk}/", {"action": "reject", "reason": "  "})
    claim.refresh_from_db()
    assert claim.state == ClaimState.PENDING
    city.post(
        f"/unit/registrations/{claim.pk}/", {"action": "reject", "reason": "经电话核实，非本单位人员注册"}
    )
    claim.refresh_from_db()
    assert claim.state == ClaimState.REJECTED
    home = pending.get("/").content.decode()
    assert "经电话核实，非本单位人员注册" in home and "石家庄甲公司" not in home
    assert [e.reason for e in events(Action.ACCOUNT_CLAIM_REJECTED)] == ["经电话核实，非本单位人员注册"]
    assert pending.get(f"/applications/{personas.app_x.pk}/").status_code == 404
