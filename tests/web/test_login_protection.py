"""Login throttling cannot lock out the real user, and forwarded headers count only from the
trusted proxies (issue 15, finding 5)."""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.db.models import F
from django.test import Client, RequestFactory

import greenlist
from greenlist.accounts.proxies import client_address

PROXY = "10.0.0.7"
STRANGER = "192.0.2.9"  # a peer that is not one of our proxies
ATTACKER = "203.0.113.5"
VICTIM = "198.51.100.7"
GOOD = "correct-horse-battery"  # the personas' password


@pytest.fixture
def throttled(settings, personas):
    settings.AXES_ENABLED = True
    settings.GREENLIST_TRUSTED_PROXIES = ["10.0.0.0/24"]
    return personas


def via_proxy(client_ip: str, proto: str | None = None) -> Client:
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}
    if proto:
        headers["HTTP_X_FORWARDED_PROTO"] = proto
    return Client(**headers)


def login(client: Client, password: str, **extra: str):
    return client.post("/login/", {"username": "p_province", "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_from_one_client_behind_the_proxy_leave_the_user_free_elsewhere(throttled, settings):
    attacker = via_proxy(ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "wrong-password")
    locked = login(attacker, GOOD)
    assert locked.status_code == 429 and not logged_in(attacker)
    assert "登录已暂时锁定" in locked.content.decode()

    victim = via_proxy(VICTIM)
    assert login(victim, GOOD).status_code == 302
    assert logged_in(victim)


def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(throttled, settings):
    # A stranger names the victim's address in X-Forwarded-For (a new one each time): its failures
    # are held against its own address, and it is locked however it varies the header.
    stranger = Client(REMOTE_ADDR=STRANGER)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(stranger, "wrong-password", HTTP_X_FORWARDED_FOR=f"{VICTIM}, 198.51.100.{attempt + 20}")
    assert login(stranger, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    login(via_proxy(ATTACKER), "wrong-password")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER, ATTACKER}

    victim = via_proxy(VICTIM)
    assert login(victim, GOOD).status_code == 302 and logged_in(victim)


def test_the_client_address_is_the_right_most_untrusted_hop(settings):
    settings.GREENLIST_TRUSTED_PROXIES = ["10.0.0.0/24", "10.1.0.1"]
    factory = RequestFactory()

    def address(remote: str, forwarded: str) -> str:
        return client_address(factory.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded))

    # The client wrote "1.1.1.1" itself; the proxies appended what they saw.
    assert address(PROXY, f"1.1.1.1, {ATTACKER}, 10.1.0.1") == ATTACKER
    assert address(PROXY, f"not-an-ip, {ATTACKER}") == ATTACKER
    assert address(PROXY, "garbage") == PROXY
    assert address(STRANGER, ATTACKER) == STRANGER


def lock_length() -> dt.timedelta:
    attempt = AccessAttempt.objects.select_related("expiration").get()
    return attempt.expiration.expires_at - attempt.attempt_time


def test_locks_grow_with_each_round_of_failures(throttled, settings):
    attacker = via_proxy(ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(attacker, "wrong-password")
    assert response.status_code == 429
    first = lock_length()
    # The first lock runs out (moved into the past rather than waited for).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(hours=1))
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - dt.timedelta(hours=1))
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - dt.timedelta(hours=1))
    assert login(attacker, "wrong-password").status_code == 200  # free again: the form, with its error
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(attacker, "wrong-password")
    assert response.status_code == 429
    assert lock_length() == 2 * first
    assert "再次输错会使下一次锁定时间加倍" in response.content.decode()


def production_settings(monkeypatch) -> dict:
    """The settings module as evaluated in production."""
    monkeypatch.setenv("GREENLIST_PRODUCTION", "1")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    return runpy.run_path(str(Path(greenlist.__file__).parent / "settings.py"))


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings, monkeypatch, db):
    production = production_settings(monkeypatch)
    settings.MIDDLEWARE = production["MIDDLEWARE"]
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    settings.SECURE_PROXY_SSL_HEADER = production.get("SECURE_PROXY_SSL_HEADER")
    settings.GREENLIST_TRUSTED_PROXIES = ["10.0.0.0/24"]

    spoofed = Client(REMOTE_ADDR=STRANGER).get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301 and spoofed["Location"].startswith("https://")
    assert via_proxy(VICTIM, proto="https").get("/healthz").status_code == 200
    assert via_proxy(VICTIM, proto="http").get("/healthz").status_code == 301
