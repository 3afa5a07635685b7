from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Notification, UnitSubmission
from greenlist.campaign.notices import queue_deadline_reminders, send_pending
from greenlist.decisions.transitions import transition
from greenlist.scoping import unscoped


def with_emails(personas):
    for user in [personas.applicant_x, personas.city_a, personas.city_b]:
        user.email = f"{user.username}@example.com"
        user.save()


def test_a_state_change_queues_mail_for_the_applicant_and_on_submission_its_city(personas):
    with_emails(personas)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    with unscoped():
        recipients = sorted(n.recipient.username for n in Notification.objects.all())
    assert recipients == ["p_applicant_x", "p_city_a"]
    assert send_pending() == 2 and send_pending() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["p_applicant_x@example.com", "p_city_a@example.com"]
    assert "已提交" in mail.outbox[0].subject


def test_a_refused_transition_queues_nothing(personas):
    with_emails(personas)
    with pytest.raises(ActionRefused):
        transition(personas.app_x, "city_review", actor=personas.city_a)
    with unscoped():
        assert Notification.objects.count() == 0


def test_deadline_reminders_go_once_to_units_that_have_not_submitted(personas, batch):
    with_emails(personas)
    three_days_before = batch.parameters.deadline - dt.timedelta(days=2, hours=12)
    with unscoped():
        UnitSubmission.objects.create(batch=batch, unit=personas.city_b.unit, submitted_at=three_days_before)
        assert queue_deadline_reminders(batch, now=three_days_before) == 1
        assert queue_deadline_reminders(batch, now=three_days_before) == 0
        notice = Notification.objects.get()
    assert notice.recipient == personas.city_a and "剩余不足3天" in notice.subject
    assert queue_deadline_reminders(batch, now=batch.parameters.deadline + dt.timedelta(hours=1)) == 0


def test_the_notify_command_sends_the_queue(personas, capsys):
    with_emails(personas)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    call_command("notify")
    assert "发送通知 2 封" in capsys.readouterr().out
    assert len(mail.outbox) == 2
