from __future__ import annotations

import pytest
from django.test import Client

from greenlist.accounts.models import User
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application
from greenlist.decisions.transitions import transition
from greenlist.registry.models import Organisation
from greenlist.rules.uscc import UsccError, validate_uscc
from greenlist.scoping import unscoped
from tests.conftest import new_uscc


def registration(uscc: str, **extra: str) -> dict[str, str]:
    data = {
        "uscc": uscc,
        "name": "石家庄新注册有限公司",
        "unit": "",
        "industry": "机械",
        "username": "newco",
        "email": "a@example.com",
        "password": "green-factory-2024",
        "password2": "green-factory-2024",
    }
    data.update(extra)
    return data


def test_uscc_is_checked_as_typed(db):
    client = Client()
    good = new_uscc("130104")
    assert "校验通过" in client.get("/register/check-uscc/", {"uscc": good}).content.decode()
    assert "石家庄市" in client.get("/register/check-uscc/", {"uscc": good}).content.decode()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位错误" in client.get("/register/check-uscc/", {"uscc": wrong}).content.decode()
    assert "不属于本省" in client.get("/register/check-uscc/", {"uscc": new_uscc("110108")}).content.decode()
    assert "已输入 5 / 18 位" in client.get("/register/check-uscc/", {"uscc": "91130"}).content.decode()


def test_registration_creates_the_organisation_and_a_logged_in_applicant(db):
    client = Client()
    code = new_uscc("130104")
    unit_id = str(
        __import__("greenlist.registry.models", fromlist=["x"])
        .RecommendingUnit.objects.get(name="石家庄市")
        .pk
    )
    response = client.post("/register/", registration(code, unit=unit_id), follow=True)
    assert "注册成功" in response.content.decode()
    user = User.objects.get(username="newco")
    assert user.role == "applicant" and user.organisation.uscc == code
    with unscoped():
        assert AuditEvent.objects.filter(
            action=Action.REGISTRY_RECORD_CHANGED, object_id=str(user.organisation_id)
        ).exists()


def test_bad_registration_explains_each_field_and_creates_nothing(db):
    bad = "91130100MA0CXXXXX1"
    with pytest.raises(UsccError) as fault:
        validate_uscc(bad)
    response = Client().post("/register/", registration(bad, password2="other-password-x"))
    page = response.content.decode()
    assert str(fault.value) in page  # the code's fault, as the checker words it
    assert "两次输入的密码不一致" in page and "这个字段是必填项" in page  # the unit, in Django's own Chinese
    assert not User.objects.filter(username="newco").exists()
    with unscoped():
        assert not Organisation.objects.filter(name="石家庄新注册有限公司").exists()


def test_an_applicant_opens_edits_and_submits_and_every_step_is_audited(personas, batch):
    client = personas.client(personas.applicant_x)
    response = client.post("/applications/new/", {"category": "supply_chain"}, follow=True)
    with unscoped():
        app = Application.objects.get(organisation=personas.org_x, category="supply_chain")
    assert response.redirect_chain[-1][0] == f"/applications/{app.pk}/edit/"
    form = {
        "method": "third_party",
        "evaluator": "",
        "industry": "汽车",
        "score": "88",
        "green_factory_suppliers": "12",
        "version": str(app.version),
    }
    page = client.post(f"/applications/{app.pk}/edit/", form).content.decode()
    assert "第三方评价须选择评价机构" in page  # error next to the field, nothing saved
    form["evaluator"] = str(personas.evaluator_org.pk)
    client.post(f"/applications/{app.pk}/edit/", form)
    with unscoped():
        app.refresh_from_db()
        assert (app.industry, app.green_factory_suppliers, app.evaluator_id) == (
            "汽车",
            12,
            personas.evaluator_org.pk,
        )
        update = AuditEvent.objects.filter(action=Action.APPLICATION_UPDATED, object_id=str(app.pk)).get()
        assert update.details["changes"]["industry"] == {"from": "", "to": "汽车"}
    stale = dict(form, industry="机械", version=str(app.version - 1))
    assert (
        "已在别处被修改" in client.post(f"/applications/{app.pk}/edit/", stale, follow=True).content.decode()
    )
    transition(app, "submitted", actor=personas.applicant_x)
    assert client.get(f"/applications/{app.pk}/edit/").status_code == 302


def test_other_roles_and_other_applicants_cannot_edit(personas):
    url = f"/applications/{personas.app_x.pk}/edit/"
    assert personas.client(personas.applicant_y).get(url).status_code == 404
    for who in ["city_a", "province", "evaluator"]:
        assert personas.client(getattr(personas, who)).get(url).status_code == 403


def test_a_returned_application_shows_the_reason(personas):
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    transition(personas.app_x, "returned", actor=personas.city_a, reason="请补充能耗数据")
    page = personas.client(personas.applicant_x).get(f"/applications/{personas.app_x.pk}/").content.decode()
    assert "推荐单位退回修改的理由：请补充能耗数据" in page and "编辑申报内容" in page
