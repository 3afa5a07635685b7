"""Production (GREENLIST_PRODUCTION=1) refuses DEBUG and requires ALLOWED_HOSTS; static files are
collected with brotli and gzip variants and WhiteNoise serves them; HTML is gzip-compressed."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

SECRET = "x" * 64 + "-production-secret-key-for-the-test"


def run(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )


def test_production_refuses_debug(tmp_path):
    env = {"GREENLIST_PRODUCTION": "1", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "greenlist.example.gov.cn"}
    refused = run(tmp_path, {**env, "DEBUG": "1"}, "-m", "greenlist", "check")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "不得开启调试模式" in refused.stderr
    accepted = run(tmp_path, {**env, "DEBUG": "0"}, "-m", "greenlist", "check")
    assert accepted.returncode == 0, accepted.stderr


def test_production_requires_allowed_hosts(tmp_path):
    result = run(tmp_path, {"GREENLIST_PRODUCTION": "1", "SECRET_KEY": SECRET}, "-m", "greenlist", "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
    assert "必须" in result.stderr


def test_collected_static_files_are_served_precompressed_with_brotli_and_gzip(tmp_path):
    static_root = tmp_path / "static"
    script = (
        "import django, json; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.templatetags.static import static\n"
        "from django.test import Client\n"
        # Only the project's own files: brotli at full quality over the whole tree is slow on a
        # shared machine (the full collectstatic is done at deploy, not here).
        "from django.test import override_settings\n"
        "with override_settings(STATICFILES_FINDERS=['django.contrib.staticfiles.finders.FileSystemFinder']):\n"
        "    call_command('collectstatic', '--noinput', verbosity=0)\n"
        "url = static('greenlist/app.css')\n"
        "c = Client()\n"
        "out = {}\n"
        "for enc in ['br', 'gzip', '']:\n"
        "    r = c.get(url, HTTP_ACCEPT_ENCODING=enc, secure=True)\n"
        "    out[enc or 'none'] = [r.status_code, r.get('Content-Encoding', ''), url]\n"
        "print(json.dumps(out))\n"
    )
    env = {
        "GREENLIST_PRODUCTION": "1",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "greenlist.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = run(tmp_path, env, "-c", script)
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert {enc: status_and_encoding[:2] for enc, status_and_encoding in served.items()} == {
        "br": [200, "br"],
        "gzip": [200, "gzip"],
        "none": [200, ""],
    }
    hashed = served["br"][2].rsplit("/", 1)[-1]
    assert hashed != "app.css"  # manifest storage: a content hash in the name
    css = list(static_root.rglob(hashed))
    assert css
    assert css[0].with_name(hashed + ".br").exists()
    assert css[0].with_name(hashed + ".gz").exists()


def test_pages_are_gzip_compressed_for_clients_that_accept_it(db):
    plain = Client().get("/login/")
    compressed = Client().get("/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    page = gzip.decompress(compressed.content).decode()
    assert "登录" in page
    assert len(compressed.content) < len(page.encode())
