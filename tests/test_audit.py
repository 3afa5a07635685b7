from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from greenlist.audit.log import verify
from greenlist.audit.models import AuditEvent
from greenlist.decisions.transitions import transition
from greenlist.scoping import unscoped


def test_events_can_be_neither_changed_nor_deleted_through_the_orm(personas):
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    with unscoped():
        event = AuditEvent.objects.get()
    event.reason = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_verify_names_the_first_event_changed_by_hand(personas):
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    transition(personas.app_x, "city_review", actor=personas.city_a)
    transition(personas.app_x, "city_recommended", actor=personas.city_a)
    with unscoped():
        ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert list(verify()) == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["手工修改", ids[1]])
    breaks = list(verify())
    assert breaks[0].event_id == ids[1]


def test_verify_notices_a_deleted_event(personas):
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    transition(personas.app_x, "city_review", actor=personas.city_a)
    transition(personas.app_x, "city_recommended", actor=personas.city_a)
    with unscoped():
        ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [ids[1]])
    assert next(b.event_id for b in verify()) == ids[2]


def test_audit_verify_command_exits_non_zero_on_a_broken_chain(personas, capsys):
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    call_command("audit", "verify")
    assert "完整" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET details = %s", ['{"from": "x"}'])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
