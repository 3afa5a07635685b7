from __future__ import annotations

import subprocess
import sys

from django.test import Client


def test_pages_carry_a_strict_content_security_policy(personas):
    response = personas.client(personas.city_a).get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_repeated_wrong_passwords_lock_the_login(personas, settings):
    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "p_city_a", "password": "wrong"})
    locked = client.post("/login/", {"username": "p_city_a", "password": "correct-horse-battery"})
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2_by_default(settings):
    from greenlist import settings as product

    assert product.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_deploy_checks_pass_with_production_settings(tmp_path):
    env = {
        "GREENLIST_PRODUCTION": "1",
        "SECRET_KEY": "x" * 64 + "-production-secret-key-for-the-check",
        "ALLOWED_HOSTS": "greenlist.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "greenlist", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"GREENLIST_PRODUCTION": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "greenlist", "check"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_nul_characters_in_parameters_are_refused_not_crashed_on(personas):
    client = personas.client(personas.province)
    assert client.get("/screening/", {"unit": "石家庄\x00市"}).status_code == 400
    assert client.get("/api/quotas?batch=20%0024").status_code == 400
    assert client.post("/units/shijiazhuang/", {"action": "quota", "reason": "x\x00"}).status_code == 400
    assert client.get("/screening/").status_code == 200
