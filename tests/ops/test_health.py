"""/healthz and /readyz: what a load balancer sees of a ready instance and of one that is not."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from greenlist.audit.log import record
from greenlist.audit.models import Action, AuditHead
from greenlist.campaign.models import WorkerBeat
from greenlist.scoping import unscoped
from greenlist.worker.chores import beat

CHECKS = {"database", "migrations", "worker", "audit"}


def readyz(client: Client | None = None) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get("/readyz")
    assert response["Content-Type"].startswith("application/json")
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def failing(body: dict[str, Any]) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


@pytest.fixture
def audited(db: None) -> None:
    from django.db import transaction

    with transaction.atomic(), unscoped():
        record(
            actor=None,
            action=Action.REGISTRY_IMPORT,
            object_type="test",
            object_id="1",
            object_label="就绪检查",
        )


def test_healthz_answers_without_a_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_ready_instance_answers_200_naming_every_check(audited):
    with unscoped():
        beat("worker-ready")
    status, body = readyz()
    assert status == 200
    assert body["status"] == "ready"
    assert set(body["checks"]) == CHECKS
    assert failing(body) == set()


def test_without_a_worker_heartbeat_the_instance_is_not_ready(audited):
    status, body = readyz()
    assert status == 503
    assert body["status"] == "not ready"
    assert failing(body) == {"worker"}
    assert "greenlist worker" in body["checks"]["worker"]["detail"]


def test_a_stale_worker_heartbeat_is_not_ready(audited, settings):
    settings.GREENLIST_READY_WORKER_AGE = 60
    with unscoped():
        beat("worker-stale")
        WorkerBeat.objects.update(last_seen=timezone.now() - dt.timedelta(seconds=61))
    status, body = readyz()
    assert status == 503
    assert failing(body) == {"worker"}
    assert "超过 60 秒" in body["checks"]["worker"]["detail"]


def test_an_audit_head_that_does_not_match_the_chain_is_not_ready(audited):
    with unscoped():
        beat("worker-audit")
        AuditHead.objects.update(last_id=AuditHead.objects.get().last_id + 1)
    status, body = readyz()
    assert status == 503
    assert failing(body) == {"audit"}
    assert "audit verify" in body["checks"]["audit"]["detail"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def readyz_in_a_process(tmp_path: Path, database_url: str) -> tuple[int, dict[str, Any]]:
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/readyz')\n"
        "print(json.dumps([r.status_code, json.loads(r.content)]))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "greenlist.settings",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    return status, body


def test_an_unreachable_database_is_not_ready(tmp_path):
    status, body = readyz_in_a_process(tmp_path, f"postgres://greenlist@127.0.0.1:{free_port()}/greenlist")
    assert status == 503
    assert failing(body) == CHECKS
    assert "数据库无法连接" in body["checks"]["database"]["detail"]


def test_a_database_without_migrations_is_not_ready(tmp_path):
    status, body = readyz_in_a_process(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert status == 503
    assert failing(body) == {"migrations", "worker", "audit"}
    assert "greenlist migrate" in body["checks"]["migrations"]["detail"]
