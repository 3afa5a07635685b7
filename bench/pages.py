"""Benchmark: pages that read stored verdicts stay flat as a batch grows; one change re-screens fast.

    .venv/bin/python bench/pages.py [--small 300] [--large 10000] [--repeat 5]

For each size, a fresh PostgreSQL database (``--server``, default ``postgres://postgres@127.0.0.1:5432``
or ``BENCH_POSTGRES_URL``) gets the batch built by ``bench/screen.py`` (applications over every unit and
category, evaluators, list entries, ``--records`` negative records) and one full screening run. Then,
in a child process of its own:

a. **Pages.** As 石家庄市's city user (Django's test client, the whole request cycle with templates):
   an application page, the ranking page (green factories) and the screening page. Best of
   ``--repeat``. Target: at the large size at most 2× the small size's time.
b. **Re-screening one change.** An applicant's score changes (a save, which bumps the data version);
   the time of the run that brings the verdicts up to date (``verdicts.run_pending``: what the change
   can affect, stored). Best of ``--repeat``. Target: at most 50 ms at the large size.

c. **Bytes.** Each role's heaviest pages (``WEIGHED``): the HTML raw and gzip-compressed, and the
   page cold (HTML plus every script and stylesheet it loads, compressed). Targets: no HTML page
   above 200 KB at the large size, no page above 1.5 MB cold.

Exit status 2 when a target is missed, 0 otherwise. Results are appended to ``--docs``
(docs/benchmarks.md) unless ``--no-docs``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
PAGE_RATIO = 2.0  # large size's page time over the small size's, at most
RESCREEN_SECONDS = 0.050  # one change re-screened, at most
PAGES = ("application", "ranking", "screening")
HTML_BYTES = 200_000  # one HTML page, uncompressed, at most (at the large size)
COLD_BYTES = 1_500_000  # a page with every script and style it loads, compressed, cold cache, at most
# (user, path) whose weight is recorded: each role's heaviest lists and the charted dashboard.
WEIGHED = {
    "province dashboard": ("province", "/"),
    "province screening": ("province", "/screening/"),
    "province applications": ("province", "/applications/"),
    "province audit": ("province", "/audit/"),
    "city screening": ("city", "/screening/"),
    "city ranking": ("city", "/ranking/?category=factory"),
    "city applications": ("city", "/applications/"),
}
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/static/[^"]+)"')


def weigh(client: Any, url: str) -> dict[str, int]:
    """An HTML page's bytes, raw and gzip-compressed, and the compressed bytes of the page with every
    script and stylesheet it loads (a cold cache: what a first visit downloads)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content
    cold = len(gzip.compress(html, 6))
    for asset in sorted(set(ASSET.findall(html.decode("utf-8")))):
        found = client.get(asset)
        assert found.status_code == 200, (asset, found.status_code)
        body = b"".join(found.streaming_content) if found.streaming else found.content
        cold += len(gzip.compress(body, 6))
    return {"html_raw": len(html), "html_gz": len(gzip.compress(html, 6)), "cold_gz": cold}


def best_of(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def phase(args: argparse.Namespace) -> dict[str, Any]:
    """In a child process on its own database: build the batch, screen it, time pages and a change."""
    import random

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenlist.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.screen import CODES, _labels, build_screening_set
    from greenlist.accounts.models import Role, User
    from greenlist.campaign.models import Application, Batch
    from greenlist.registry.models import RecommendingUnit
    from greenlist.scoping import unscoped
    from greenlist.screening import verdicts

    call_command("migrate", verbosity=0)
    CODES.update(_labels())
    build = argparse.Namespace(
        applications=args.phase,
        evaluators=max(3, args.phase // 25),
        batch="2024",
        hit_share=0.05,
        screen_records=args.records,
    )
    built = build_screening_set(build, random.Random(20240719))
    batch = Batch.current("2024")
    with unscoped():
        unit = RecommendingUnit.objects.get(name="石家庄市")
        city = User.objects.create(username="bench_city", role=Role.CITY, unit=unit)
        province = User.objects.create(username="bench_province", role=Role.PROVINCE)
        started = time.perf_counter()
        verdicts.run_pending(batch, full=True)
        full_run = time.perf_counter() - started
        application = Application.objects.filter(batch=batch, unit=unit, category="factory").first()
        assert application is not None
    client = Client()
    client.force_login(city)
    urls = {
        "application": f"/applications/{application.pk}/",
        "ranking": "/ranking/?category=factory",
        "screening": "/screening/",
    }
    for url in urls.values():  # warm the template cache and the connection
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    pages = {name: best_of(args.repeat, lambda url=url: client.get(url)) for name, url in urls.items()}
    clients = {"city": client, "province": Client()}
    clients["province"].force_login(province)
    weights = {name: weigh(clients[who], path) for name, (who, path) in WEIGHED.items()}

    def one_change() -> None:
        with unscoped():
            application.score = (application.score or 0) + 1
            application.save()

    rescreen = []
    for _ in range(args.repeat):
        one_change()
        started = time.perf_counter()
        run = verdicts.run_pending(batch)
        rescreen.append(time.perf_counter() - started)
        assert run is not None and run.kind == "partial"
    return {
        "size": args.phase,
        "built": built,
        "full_run_s": full_run,
        "pages_s": pages,
        "bytes": weights,
        "rescreen_s": min(rescreen),
        "rescreened": run.counts["applications"],
    }


def run_size(args: argparse.Namespace, size: int) -> dict[str, Any]:
    server = args.server.rstrip("/")
    name = f"greenlist_bench_pages_{size}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{name}",
        "CONN_MAX_AGE": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--phase",
                str(size),
                "--repeat",
                str(args.repeat),
                "--records",
                str(args.records),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=20_000, help="negative records loaded")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--phase", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args)))
        return 0
    small, large = run_size(args, args.small), run_size(args, args.large)
    lines = [
        f"| page | {args.small} applications | {args.large} applications | ratio (≤ {PAGE_RATIO}) |",
        "|---|---|---|---|",
    ]
    missed = []
    for page in PAGES:
        a, b = small["pages_s"][page], large["pages_s"][page]
        ratio = b / a
        missed += [page] if ratio > PAGE_RATIO else []
        lines.append(f"| {page} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {ratio:.2f} |")
    lines += [
        "",
        f"| page | HTML at {args.small} | HTML at {args.large} (≤ {HTML_BYTES // 1000} KB) | gzip | "
        f"cold, with scripts and styles, gzip (≤ {COLD_BYTES / 1e6:g} MB) |",
        "|---|---|---|---|---|",
    ]
    for name in WEIGHED:
        a, b = small["bytes"][name], large["bytes"][name]
        missed += [f"{name} (HTML)"] if b["html_raw"] > HTML_BYTES else []
        missed += [f"{name} (cold)"] if max(a["cold_gz"], b["cold_gz"]) > COLD_BYTES else []
        lines.append(
            f"| {name} | {a['html_raw'] / 1000:.1f} KB | {b['html_raw'] / 1000:.1f} KB | "
            f"{b['html_gz'] / 1000:.1f} KB | {b['cold_gz'] / 1000:.1f} KB |"
        )
    rescreen = large["rescreen_s"]
    missed += ["rescreen"] if rescreen > RESCREEN_SECONDS else []
    lines.append("")
    lines.append(
        f"Re-screening one applicant's change at {args.large} applications: {rescreen * 1000:.1f} ms "
        f"({large['rescreened']} applications screened; target ≤ {RESCREEN_SECONDS * 1000:.0f} ms). "
        f"Full run: {small['full_run_s']:.2f} s at {args.small}, {large['full_run_s']:.2f} s at {args.large}."
    )
    text = "\n".join(lines)
    print(text)
    if not args.no_docs:
        with args.docs.open("a", encoding="utf-8") as handle:
            handle.write(
                f"\n## Pages on stored verdicts ({time.strftime('%Y-%m-%d')}, bench/pages.py, PostgreSQL, "
                f"{os.cpu_count()} cores)\n\n{text}\n"
                + (f"\nMissed: {', '.join(missed)}\n" if missed else "")
            )
    return 2 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
