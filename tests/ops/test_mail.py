"""Notices reach a real SMTP server (aiosmtpd on 127.0.0.1, started by the test) through the real
sending path — `greenlist notify` and the worker's `send_notices` task — and a server that is down
or answers 4xx delays, retries with backoff and reports, never drops a notice."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from greenlist.campaign.models import Notification
from greenlist.campaign.notices import deliver, retry_delay
from greenlist.decisions.transitions import transition
from greenlist.scoping import unscoped
from greenlist.worker.chores import send_notices


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts; while ``refusing`` is set, answers RCPT with a
    temporary failure, as a greylisting or overloaded relay does."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.refusing = ""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refusing:
            return self.refusing
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "绿色制造名单 <greenlist@gxt.example.gov.cn>"
    try:
        yield mailbox
    finally:
        controller.stop()


def with_emails(personas: Any) -> list[str]:
    addresses = []
    for user in [personas.applicant_x, personas.city_a]:
        user.email = f"{user.username}@example.com"
        user.save()
        addresses.append(user.email)
    return sorted(addresses)


def queued() -> list[Notification]:
    with unscoped():
        return list(Notification.objects.order_by("pk"))


def test_notify_delivers_queued_notices_to_a_real_smtp_server(personas, smtp_server, capsys):
    addresses = with_emails(personas)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    notices = queued()

    call_command("notify")

    assert f"发送通知 {len(notices)} 封" in capsys.readouterr().out
    assert sorted(rcpt for rcpts, _ in smtp_server.messages for rcpt in rcpts) == addresses
    # Long encoded subjects are folded onto the next header line; the unfolded text is the subject.
    subjects = sorted(str(message["Subject"]).strip() for _, message in smtp_server.messages)
    assert subjects == sorted(n.subject for n in notices)
    bodies = [message.get_content() for _, message in smtp_server.messages]
    assert all(personas.org_x.name in body for body in bodies)
    assert all("greenlist@gxt.example.gov.cn" in message["From"] for _, message in smtp_server.messages)
    assert all(n.sent_at is not None for n in queued())
    assert [n.attempts for n in queued()] == [1] * len(notices)


def test_the_worker_task_sends_through_smtp(personas, smtp_server):
    addresses = with_emails(personas)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)

    outcome = send_notices.call()

    assert outcome["sent"] == len(addresses)
    assert outcome["failed"] == 0
    assert sorted(rcpt for rcpts, _ in smtp_server.messages for rcpt in rcpts) == addresses


def test_a_refused_connection_keeps_every_notice_and_reports_the_next_try(personas, settings, capsys):
    with_emails(personas)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 5
    before = timezone.now()

    call_command("notify")

    err = capsys.readouterr().err
    assert "发送失败 1 封" in err
    assert "无法连接邮件服务器" in err
    first, *rest = queued()
    assert first.sent_at is None
    assert first.attempts == 1
    assert "无法连接邮件服务器" in first.last_error
    assert first.next_attempt_at is not None
    assert first.next_attempt_at >= before + retry_delay(1)
    # The round stopped at the unreachable server: the others kept their place, untried.
    assert rest
    assert [(n.sent_at, n.attempts, n.next_attempt_at) for n in rest] == [(None, 0, None)] * len(rest)


def test_a_temporary_refusal_backs_off_then_the_notice_goes_when_the_server_recovers(personas, smtp_server):
    addresses = with_emails(personas)
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    total = len(queued())
    smtp_server.refusing = "451 4.7.1 Greylisted, please try again later"

    first_round = deliver()

    assert (first_round.sent, first_round.failed) == (0, total)
    failed = queued()
    assert all("451" in n.last_error for n in failed)
    assert [n.attempts for n in failed] == [1] * total
    assert all(n.sent_at is None for n in failed)

    # Not due yet: a second round right away tries nothing.
    assert (deliver().sent, deliver().failed) == (0, 0)
    assert [n.attempts for n in queued()] == [1] * total

    # Due again, still refused: the wait grows.
    later = max(n.next_attempt_at for n in failed if n.next_attempt_at) + dt.timedelta(seconds=1)
    second_round = deliver(now=later)
    assert second_round.failed == total
    again = queued()
    assert [n.attempts for n in again] == [2] * total
    for n in again:
        assert n.next_attempt_at is not None
        assert n.next_attempt_at - later >= retry_delay(2) - dt.timedelta(seconds=5)
    assert retry_delay(2) > retry_delay(1)

    smtp_server.refusing = ""
    recovered = deliver(
        now=max(n.next_attempt_at for n in again if n.next_attempt_at) + dt.timedelta(seconds=1)
    )

    assert recovered.sent == total
    assert sorted(rcpt for rcpts, _ in smtp_server.messages for rcpt in rcpts) == addresses
    done = queued()
    assert all(n.sent_at is not None for n in done)
    assert [n.attempts for n in done] == [3] * total
    assert [n.last_error for n in done] == [""] * total


def test_backoff_doubles_up_to_the_ceiling(settings):
    settings.GREENLIST_MAIL_RETRY_MAX_MINUTES = 30
    delays = [retry_delay(n).total_seconds() / 60 for n in range(1, 8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30]


def test_mail_settings_come_from_the_environment_and_smtp_is_the_default_with_a_host(tmp_path):
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    script = (
        "import django, json; django.setup()\n"
        "from django.conf import settings as s\n"
        "from django.core.mail import send_mail\n"
        "send_mail('环境变量配置的邮件', '正文', None, ['city@example.com'])\n"
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS,"
        " s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT, s.DEFAULT_FROM_EMAIL]))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "greenlist.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": "7",
        "DEFAULT_FROM_EMAIL": "notices@gxt.example.gov.cn",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120
        )
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    backend, user, password, tls, ssl, timeout, sender = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (user, password, tls, ssl, timeout, sender) == (
        "",
        "",
        False,
        False,
        7.0,
        env["DEFAULT_FROM_EMAIL"],
    )
    assert [rcpts for rcpts, _ in mailbox.messages] == [["city@example.com"]]
    assert env["DEFAULT_FROM_EMAIL"] in mailbox.messages[0][1]["From"]


def test_tls_and_ssl_together_are_refused_with_a_chinese_message(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "EMAIL_USE_TLS": "1",
        "EMAIL_USE_SSL": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "greenlist", "check"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode != 0
    assert "EMAIL_USE_TLS" in result.stderr
    assert "只能开启一个" in result.stderr
