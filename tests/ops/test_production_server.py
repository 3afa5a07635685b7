"""Production as deployed (docs/deploy.md): `collectstatic`, then gunicorn with
GREENLIST_PRODUCTION=1, SECRET_KEY and ALLOWED_HOSTS; a page and a fingerprinted, precompressed
static file are fetched over real HTTP."""

from __future__ import annotations

import gzip
import http.client
import re
import signal
import subprocess
from pathlib import Path

import brotli
import pytest

from tests.subprocesses import console_script, environment, free_port, wait_for

SECRET = "p" * 64 + "-production-smoke-test-secret"

# Brotli at full quality over large vendor bundles takes minutes on a small machine; the smoke
# test collects the project's own files only (a full collectstatic runs at deploy time).
COLLECT_OWN_FILES = (
    "import django; django.setup()\n"
    "from django.core.management import call_command\n"
    "from django.test import override_settings\n"
    "with override_settings(STATICFILES_FINDERS=['django.contrib.staticfiles.finders.FileSystemFinder']):\n"
    "    call_command('collectstatic', '--noinput', verbosity=0)\n"
)


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        # As the reverse proxy forwards it: the public host, and HTTPS (the proxy ends TLS).
        forwarded = {"Host": "greenlist.example.gov.cn", "X-Forwarded-Proto": "https"}
        connection.request("GET", path, headers={**forwarded, **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def answers(port: int) -> bool:
    try:
        return get(port, "/healthz")[0] == 200
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_and_compressed_fingerprinted_static_files_in_production(
    tmp_path: Path,
) -> None:
    static_root = tmp_path / "static"
    env = environment(
        tmp_path,
        GREENLIST_PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="greenlist.example.gov.cn",
        GREENLIST_TRUSTED_PROXIES="127.0.0.1",
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="greenlist.settings",
    )
    python = str(Path(console_script()).parent / "python")
    collected = subprocess.run(
        [python, "-c", COLLECT_OWN_FILES], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert collected.returncode == 0, collected.stderr
    assert (static_root / "staticfiles.json").exists()

    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            console_script("gunicorn"),
            "greenlist.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: answers(port) or server.poll() is not None, "gunicorn to answer", timeout=90)
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()

        status, headers, body = get(port, "/login/", **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["content-encoding"] == "gzip"
        page = gzip.decompress(body).decode()
        assert "登录" in page and "用户名" in page
        # The page links the fingerprinted name from the manifest, not app.css itself.
        stylesheet = re.search(r'href="(/static/greenlist/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet is not None, page[:2000]
        url = stylesheet.group(1)
        original = (static_root / "greenlist" / url.rsplit("/", 1)[-1]).read_bytes()

        status, headers, body = get(port, url, **{"Accept-Encoding": "br, gzip"})
        assert (status, headers["content-encoding"]) == (200, "br")
        assert brotli.decompress(body) == original
        assert "immutable" in headers["cache-control"]  # a fingerprinted name may be cached for good
        status, headers, body = get(port, url, **{"Accept-Encoding": "gzip"})
        assert (status, headers["content-encoding"]) == (200, "gzip")
        assert gzip.decompress(body) == original

        # ALLOWED_HOSTS is enforced: another Host header is refused; plain HTTP goes to HTTPS.
        assert get(port, "/login/", Host="attacker.example")[0] == 400
        status, headers, _ = get(port, "/login/", **{"X-Forwarded-Proto": "http"})
        assert (status, headers["location"]) == (301, "https://greenlist.example.gov.cn/login/")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
