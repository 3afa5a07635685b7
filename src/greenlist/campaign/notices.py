"""Notices by e-mail: what to tell whom, and the sender (the worker's ``send_notices`` task,
``greenlist notify``), which retries a failed notice with backoff and never drops one."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.campaign.deadline import unit_deadline
from greenlist.campaign.models import Application, Batch, Notification, UnitSubmission
from greenlist.campaign.workflow import State
from greenlist.registry.models import RecommendingUnit

REMIND_DAYS = (1, 3, 7)  # the tightest mark that applies wins

logger = logging.getLogger(__name__)


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
    submissions = {s.unit_id: s for s in UnitSubmission.unscoped.filter(batch=batch)}
    created = 0
    for unit in RecommendingUnit.objects.all():
        deadline = unit_deadline(batch, unit, now=now, submission=submissions.get(unit.pk))
        if deadline.submitted:
            continue
        due = deadline.due  # the one deadline every page shows (campaign.deadline)
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


@dataclass
class Delivery:
    """What one sending round did: notices sent, notices whose try failed (still queued, with a
    next try), and whether the round stopped early because the server could not be reached."""

    sent: int = 0
    failed: int = 0
    server_unreachable: bool = False
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failure, at most the configured ceiling."""
    ceiling = int(settings.GREENLIST_MAIL_RETRY_MAX_MINUTES)
    return dt.timedelta(minutes=min(2 ** min(attempts - 1, 20), ceiling))


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "；".join(
            f"{rcpt}：{code} {raw.decode(errors='replace') if isinstance(raw, bytes) else raw}"
            for rcpt, (code, raw) in exc.recipients.items()
        )
        return f"邮件服务器拒收收件人（{refused}）"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        return f"邮件服务器拒绝：{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPException | OSError):
        return f"无法连接邮件服务器 {settings.EMAIL_HOST}:{settings.EMAIL_PORT}：{exc}"
    return str(exc)


def deliver(limit: int = 500, now: dt.datetime | None = None) -> Delivery:
    """Send queued notices that are due, over one connection; each is marked sent, or its failure
    recorded with the next try, in its own transaction. Nothing is ever dropped: a failed notice
    stays queued. When the server cannot be reached at all, the round stops (the rest would only
    wait out the same timeout) and the remaining notices keep their place."""
    now = now or timezone.now()
    result = Delivery()
    due = (
        Notification.objects.filter(sent_at__isnull=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("recipient")
        .order_by("created_at", "pk")[:limit]
    )
    connection = get_connection(fail_silently=False)
    # One connection for the round; if it cannot be opened now, the first send tries again and
    # its failure is recorded on that notice.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.open()
    try:
        for notice in due:
            with transaction.atomic():
                locked = Notification.objects.select_for_update().get(pk=notice.pk)
                if locked.sent_at is not None:
                    continue
                message = EmailMessage(
                    locked.subject,
                    locked.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [notice.recipient.email],
                    connection=connection,
                )
                try:
                    message.send()
                except (smtplib.SMTPException, OSError) as exc:
                    error = _describe(exc)
                    locked.attempts += 1
                    locked.last_error = error[:2000]
                    next_try = now + retry_delay(locked.attempts)
                    locked.next_attempt_at = next_try
                    locked.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                    result.failed += 1
                    result.errors.append(f"通知 #{locked.pk}（{locked.subject}）：{error}")
                    logger.warning(
                        "notice %s not sent (attempt %s, next try %s): %s",
                        locked.pk,
                        locked.attempts,
                        next_try.isoformat(),
                        error,
                    )
                    unreachable = not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)
                else:
                    locked.sent_at = timezone.now()
                    locked.attempts += 1
                    locked.last_error = ""
                    locked.next_attempt_at = None
                    locked.save(update_fields=["sent_at", "attempts", "last_error", "next_attempt_at"])
                    result.sent += 1
                    unreachable = False
            if unreachable:
                result.server_unreachable = True
                break
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()  # the server may be gone already
    return result


def send_pending(limit: int = 500) -> int:
    """Send queued notices that are due; the number sent (see :func:`deliver`)."""
    return deliver(limit).sent
