"""Deadline-day load: gunicorn + PostgreSQL with the demo data; simulated users across the 14 units
log in, browse, save and submit, for a bounded time, on loopback only.

Prints: requests, errors, p50/p95 per page kind, the p95 ratio of the main pages to a bare Django
view (/healthz) served the same way in the same run (target ≤ 3×), and the lost-write count
(writes the clients saw succeed minus writes found in the database afterwards; target 0).

    .venv/bin/python bench/load.py [--users 200] [--seconds 120] [--workers 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DB = "greenlist_load"
PASSWORD = "greenlist-demo"
RAMP_UP = 20.0  # seconds over which the users log in
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "greenlist", *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )


class User:
    """One person with a cookie jar, talking HTTP/1.1 to the server."""

    def __init__(self, port: int, username: str, timings: dict[str, list[float]], errors: list[str]) -> None:
        self.port, self.username, self.timings, self.errors = port, username, timings, errors
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"http://127.0.0.1:{self.port}/",
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as exc:
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                # A kept-alive connection the server closed while idle fails before any response;
                # browsers then resend once on a new connection, and so does this client.
                idle_close = isinstance(exc, (ConnectionResetError, http.client.RemoteDisconnected))
                if attempt == 1 and idle_close:
                    continue
                self.errors.append(f"{kind} {path}: {exc!r}")
                return 0, ""
        self.timings[kind].append(time.perf_counter() - started)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.status >= 400:
            self.errors.append(f"{kind} {path}: HTTP {response.status}")
        return response.status, text

    def login(self) -> bool:
        _, page = self.request("login", "GET", "/login/")
        token = CSRF.search(page)
        status, _ = self.request(
            "login",
            "POST",
            "/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
        )
        return status == 302

    def csrf_post(self, kind: str, page_path: str, post_path: str, form: dict[str, str]) -> int:
        _, page = self.request(kind, "GET", page_path)
        token = CSRF.search(page)
        status, _ = self.request(
            kind, "POST", post_path, {**form, "csrfmiddlewaretoken": token.group(1) if token else ""}
        )
        return status


def think() -> None:
    """A person reads the page before the next click (deadline day, but people, not scripts)."""
    time.sleep(random.uniform(1.0, 4.0))


def city_session(user: User, deadline: float, saves: list[int]) -> None:
    if not user.login():
        user.errors.append(f"login failed for {user.username}")
        return
    department = ["ecology_environment", "emergency_management", "market_regulation"]
    pages = ["/", "/applications/", "/unit/", "/screening/", "/ranking/"]
    while time.monotonic() < deadline:
        user.request("healthz", "GET", "/healthz")
        user.request("page", "GET", random.choice(pages))
        think()
        status = user.csrf_post(
            "save",
            "/unit/",
            "/unit/consultation/",
            {
                "department": random.choice(department),
                "agrees": "yes",
                "opinion": f"负载测试意见 {time.time()}",
            },
        )
        if status == 302:
            saves.append(1)
        think()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8899)
    args = parser.parse_args()

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DB}",
        "GREENLIST_HOME": str(ROOT / "var" / "load"),
        "AXES_FAILURE_LIMIT": "1000",
    }
    Path(env["GREENLIST_HOME"]).mkdir(parents=True, exist_ok=True)
    print("准备数据库与演示数据……", flush=True)
    run("migrate", "--noinput", "-v0", env=env)
    run("demo", env=env)
    run("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "greenlist.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--timeout",
            "120",
            "--keep-alive",
            "75",  # browsers keep connections open between clicks
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        units = [
            "shijiazhuang",
            "tangshan",
            "qinhuangdao",
            "handan",
            "xingtai",
            "baoding",
            "zhangjiakou",
            "chengde",
            "cangzhou",
            "langfang",
            "hengshui",
            "dingzhou",
            "xinji",
            "xiongan",
        ]
        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        saves: list[int] = []
        deadline = time.monotonic() + args.seconds
        threads = []
        for index in range(args.users):
            user = User(args.port, f"city_{units[index % len(units)]}", timings, errors)
            thread = threading.Thread(target=city_session, args=(user, deadline, saves), daemon=True)
            threads.append(thread)
            thread.start()
            time.sleep(RAMP_UP / args.users)  # people arrive over the first seconds, not all at once
        for thread in threads:
            thread.join(args.seconds + 120)
    finally:
        server.terminate()
        server.wait(30)
    with psycopg.connect(f"{SERVER}/{DB}") as db:
        recorded = db.execute("SELECT count(*) FROM audit_auditevent WHERE action = 301").fetchone()
    found = recorded[0] if recorded else 0

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) >= 2 else float("nan")

    total = sum(len(v) for v in timings.values())
    print(f"\n用户 {args.users}，时长 {args.seconds} 秒，gunicorn workers {args.workers}")
    print(f"请求 {total}，错误 {len(errors)}")
    for kind, values in sorted(timings.items()):
        print(f"  {kind:8} {len(values):6} 次  p50 {pct(values, 50):7.1f} ms  p95 {pct(values, 95):7.1f} ms")
    ratio = pct(timings["page"], 95) / pct(timings["healthz"], 95)
    print(f"主要页面 p95 / 空视图 p95 = {ratio:.2f}（目标 ≤ 3）")
    print(f"写入：客户端确认 {len(saves)} 次，数据库审计记录 {found} 次，丢失 {len(saves) - found}（目标 0）")
    for error in errors[:10]:
        print("  错误：", error)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return 0 if not errors and len(saves) == found else 1


if __name__ == "__main__":
    sys.exit(main())
