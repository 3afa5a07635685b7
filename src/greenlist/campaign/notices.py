"""Notices by e-mail: what to tell whom, and the sender run by ``greenlist notify``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.campaign.models import Application, Batch, Notification, UnitSubmission
from greenlist.campaign.workflow import State
from greenlist.registry.models import RecommendingUnit

REMIND_DAYS = (1, 3, 7)  # the tightest mark that applies wins


def _queue(recipients: Iterable[User], subject: str, body: str, key: str) -> int:
    created = 0
    for user in recipients:
        if not user.email or not user.is_active:
            continue
        _, new = Notification.objects.get_or_create(
            key=f"{key}:{user.pk}", defaults={"recipient": user, "subject": subject, "body": body}
        )
        created += new
    return created


def queue_state_change(application: Application, source: str, reason: str) -> None:
    """Tell the applicant (and, on submission, its unit) that the application changed state."""
    label = State(application.state).label
    name = application.organisation.name
    body = f"{name} 的{application.get_category_display()}申报状态由“{State(source).label}”变更为“{label}”。"
    if reason:
        body += f"\n理由：{reason}"
    key = f"state:{application.pk}:{application.version}"
    _queue(
        User.objects.filter(role=Role.APPLICANT, organisation_id=application.organisation_id),
        f"【绿色制造名单】申报状态变更：{label}",
        body,
        key,
    )
    if application.state == State.SUBMITTED:
        _queue(
            User.objects.filter(role=Role.CITY, unit_id=application.unit_id),
            f"【绿色制造名单】收到新申报：{name}",
            body,
            key,
        )


def queue_deadline_reminders(batch: Batch, now: dt.datetime | None = None) -> int:
    """Remind each unit that has not submitted, 7, 3 and 1 days before its deadline (the batch's,
    or the province's reopening)."""
    now = now or timezone.now()
    deadline = batch.parameters.deadline
    submissions = {s.unit_id: s for s in UnitSubmission.unscoped.filter(batch=batch)}
    created = 0
    for unit in RecommendingUnit.objects.all():
        submission = submissions.get(unit.pk)
        if submission and submission.submitted_at:
            continue
        due = submission.reopened_until if submission and submission.reopened_until else deadline
        days = (due - now).total_seconds() / 86400
        for mark in REMIND_DAYS:
            if 0 < days <= mark:
                local = timezone.localtime(due)
                body = (
                    f"{unit.name}尚未向省厅报送{batch.title}推荐名单，截止时间为 {local:%Y年%m月%d日 %H:%M}。"
                    "报送前须完成征求意见（规则 C1）并核对推荐名额（规则 Q1）。"
                )
                created += _queue(
                    User.objects.filter(role=Role.CITY, unit=unit),
                    f"【绿色制造名单】报送截止提醒：剩余不足{mark}天",
                    body,
                    f"deadline:{batch.pk}:{unit.pk}:{due.isoformat()}:{mark}",
                )
                break
    return created


def send_pending(limit: int = 500) -> int:
    """Send queued notices; each is marked sent in its own transaction, so a failure midway
    leaves the rest queued for the next run."""
    sent = 0
    for notice in Notification.objects.filter(sent_at__isnull=True).select_related("recipient")[:limit]:
        with transaction.atomic():
            locked = Notification.objects.select_for_update().get(pk=notice.pk)
            if locked.sent_at is not None:
                continue
            send_mail(locked.subject, locked.body, settings.DEFAULT_FROM_EMAIL, [notice.recipient.email])
            locked.sent_at = timezone.now()
            locked.save(update_fields=["sent_at"])
            sent += 1
    return sent
