"""Changes made in the Django admin are audited like every other state change: an event in the
same transaction, with the old values (and the new ones for a change)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from greenlist.audit.log import verify
from greenlist.audit.models import Action, AuditEvent
from greenlist.registry.models import NegativeRecord
from greenlist.scoping import unscoped

URL = "/admin/registry/negativerecord/"


def negative_record(name: str = "石家庄甲公司", **fields: Any) -> NegativeRecord:
    with unscoped():
        return NegativeRecord.objects.create(
            name=name,
            uscc=fields.pop("uscc", ""),
            type=fields.pop("type", "safety_accident"),
            start=fields.pop("start", dt.date(2023, 5, 6)),
            source=fields.pop("source", "应急管理局通报"),
            **fields,
        )


def events(action: Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_deleting_a_negative_record_in_the_admin_records_its_values(personas):
    record = negative_record(note="一般事故")
    response = personas.client(personas.province).post(f"{URL}{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with unscoped():
        assert not NegativeRecord.objects.filter(pk=record.pk).exists()
    (event,) = events(Action.ADMIN_RECORD_DELETED)
    assert event.actor_id == personas.province.pk
    assert (event.object_type, event.object_id) == ("registry.NegativeRecord", str(record.pk))
    deleted = event.details["deleted"]
    assert deleted["name"] == "石家庄甲公司"
    assert deleted["type"] == "safety_accident"
    assert deleted["start"] == "2023-05-06"
    assert deleted["source"] == "应急管理局通报"
    assert deleted["note"] == "一般事故"
    assert list(verify()) == []


def test_changing_a_negative_record_in_the_admin_records_old_and_new_values(personas):
    record = negative_record()
    form = {
        "name": "石家庄甲公司",
        "uscc": "",
        "type": "safety_accident",
        "start": "2023-05-06",
        "end": "2023-12-31",
        "source": "应急管理局更正通报",
        "note": "",
    }
    response = personas.client(personas.province).post(f"{URL}{record.pk}/change/", form)
    assert response.status_code == 302
    (event,) = events(Action.ADMIN_RECORD_CHANGED)
    changes = event.details["changes"]
    assert changes["source"] == {"old": "应急管理局通报", "new": "应急管理局更正通报"}
    assert changes["end"] == {"old": None, "new": "2023-12-31"}
    assert "name" not in changes
    assert event.actor_id == personas.province.pk


def test_saving_unchanged_in_the_admin_records_nothing(personas):
    record = negative_record()
    form = {
        "name": record.name,
        "uscc": "",
        "type": record.type,
        "start": "2023-05-06",
        "end": "",
        "source": record.source,
        "note": "",
    }
    assert personas.client(personas.province).post(f"{URL}{record.pk}/change/", form).status_code == 302
    assert events(Action.ADMIN_RECORD_CHANGED) == []


def test_adding_a_negative_record_in_the_admin_records_its_values(personas):
    form = {
        "name": "唐山乙公司",
        "uscc": "",
        "type": "halted",
        "start": "2024-01-02",
        "end": "",
        "source": "市场监管局",
        "note": "",
    }
    assert personas.client(personas.province).post(f"{URL}add/", form).status_code == 302
    (event,) = events(Action.ADMIN_RECORD_ADDED)
    with unscoped():
        record = NegativeRecord.objects.get(name="唐山乙公司")
    assert event.object_id == str(record.pk)
    assert event.details["new"]["type"] == "halted"
    assert event.details["new"]["start"] == "2024-01-02"


def test_bulk_deleting_in_the_admin_records_every_deleted_record(personas):
    first, second = negative_record("甲公司"), negative_record("乙公司", type="halted")
    response = personas.client(personas.province).post(
        URL, {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    )
    assert response.status_code == 302
    with unscoped():
        assert NegativeRecord.objects.count() == 0
    deleted = {
        event.object_id: event.details["deleted"]["name"] for event in events(Action.ADMIN_RECORD_DELETED)
    }
    assert deleted == {str(first.pk): "甲公司", str(second.pk): "乙公司"}
    assert list(verify()) == []


def test_a_refused_admin_delete_changes_nothing_and_records_nothing(personas):
    record = negative_record()
    response = personas.client(personas.city_a).post(f"{URL}{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302  # to the admin login: cities have no admin
    with unscoped():
        assert NegativeRecord.objects.filter(pk=record.pk).exists()
    assert events(Action.ADMIN_RECORD_DELETED) == []


def test_a_password_set_in_the_admin_is_audited_without_the_hash(personas):
    user = personas.applicant_x
    response = personas.client(personas.province).post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "a-new-Passw0rd-long", "password2": "a-new-Passw0rd-long", "usable_password": "true"},
    )
    assert response.status_code == 302
    (event,) = events(Action.ADMIN_RECORD_CHANGED)
    assert event.object_id == str(user.pk)
    assert event.details["changes"] == {"password": {"old": "（已隐藏）", "new": "（已隐藏）"}}
