"""Benchmark: importing negative records and screening a batch against millions of them, on PostgreSQL.

    .venv/bin/python bench/screen.py [--records 1000000] [--screen-records 5000000] [--applications 10000]

Creates its own database (``--database``, default ``greenlist_bench``) on ``--server`` (default
``postgres://postgres@127.0.0.1:5432``, or ``BENCH_POSTGRES_URL``), runs the migrations, and drops
it at the end. In one run it measures:

a. **Import.** ``--records`` generated 负面记录 rows as a UTF-8 CSV, imported with greenlist's
   importer (``import_workbook``: parse, check, COPY into staging, upsert, one transaction), against
   PostgreSQL's own ``COPY registry_negativerecord (…) FROM STDIN`` of the same rows (with
   ``name_normalised`` and ``key`` precomputed, which COPY cannot do) into the same empty table
   with the same indexes. Both start from an empty table after a CHECKPOINT; best of ``--rounds``.
   Target: greenlist ≥ 0.5× COPY's rows per second.
b. **Screening.** ``--applications`` applications over every recommending unit, the three
   categories and ``--evaluators`` third-party evaluators, ~5% of applicants concerned by records
   (edge cases of every window rule included, some matched by name only), among
   ``--screen-records`` records loaded with COPY (most about non-applicants). ``screen_batch``
   (every rule, from the database to findings) against one hand-written SQL query computing the
   E1–E6 exclusions; every form of the query must exclude exactly the applications screen_batch
   excludes by E1–E6. The target is measured against the tuned query (an index probe per
   applicant, JIT off, as screening's own lookups run); the same query written as plain joins is
   timed too, with JIT off and with the server's defaults. Best of ``--repeat``. Targets: at most
   2× the tuned query's time, and screening's peak memory under 1 GiB (peak RSS growth of a fresh
   process, from /proc's VmHWM; the tracemalloc peak of the Python heap is printed too).

Imports and screenings run in child processes (``--phase``) so their memory is their own. Exit
status: 1 when the two screenings disagree, 2 when a target is missed, 0 otherwise. Results are
appended to ``--docs`` (docs/benchmarks.md) unless ``--no-docs``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
TARGET_IMPORT_RATIO = 0.5  # greenlist's rows/s over COPY's, at least
TARGET_SCREEN_RATIO = 2.0  # screen_batch's time over the SQL query's, at most
TARGET_MEMORY = 1 << 30  # bytes of screening's peak memory, less than
EXCLUSION_RULES = frozenset({"E1", "E2", "E3", "E4", "E5", "E6"})
COPY_FIELDS = ("uscc", "name", "name_normalised", "type", "start", "end", "source", "note", "key")
HEADERS = ["统一社会信用代码", "名称", "类型", "开始日期", "结束日期", "来源", "说明"]
SOURCES = ["信用中国", "国家企业信用信息公示系统", "生态环境部门", "应急管理部门", "市场监管部门", "税务部门"]
DOCS_START, DOCS_END = "<!-- bench/screen.py results: start -->", "<!-- bench/screen.py results: end -->"


def _proc_status(field: str) -> int | None:
    """A VmRSS/VmHWM line of /proc/self/status in bytes, or None off Linux."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return None


def rss() -> int:
    """Resident set size now, in bytes."""
    return _proc_status("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> None:
    """Start the peak (VmHWM) afresh. ru_maxrss cannot be reset, and a child started by fork()
    inherits the parent's (large) ru_maxrss across exec, which hid the screening's own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss() -> int:
    """Peak resident set size since reset_peak_rss(), in bytes (ru_maxrss where /proc is missing)."""
    return _proc_status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# greenlist's Django modules are imported inside the functions below: the database URL is known
# only once the arguments are parsed, and django.setup() has to come after it.

# --------------------------------------------------------------------------------------------
# Generated data
# --------------------------------------------------------------------------------------------


def _copy_text(value: object) -> str:
    """One field of COPY's text format; generated strings hold no tab, newline or backslash."""
    return "\\N" if value is None else str(value)


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass
class RecordWriter:
    """Writes generated records as the importer's CSV rows and/or the table's COPY text lines
    (with the name_normalised and key the importer would compute). Callers keep keys unique."""

    csv_out: Any = None  # csv.writer
    copy_out: Writable | None = None
    count: int = 0
    normalise: Callable[[str], str] = field(init=False)
    make_key: Callable[[str, str, str, object], str] = field(init=False)

    def __post_init__(self) -> None:
        from greenlist.registry.models import NegativeRecord
        from greenlist.rules.names import normalise_name

        self.normalise, self.make_key = normalise_name, NegativeRecord.make_key

    def add(
        self, uscc: str, name: str, label: str, start: dt.date, end: dt.date | None, source: str, note: str
    ) -> None:
        if self.csv_out is not None:
            self.csv_out.writerow(
                [uscc, name, label, start.isoformat(), end.isoformat() if end else "", source, note]
            )
        if self.copy_out is not None:
            code = CODES[label]
            normalised = self.normalise(name)
            key = self.make_key(uscc, normalised, code, start)
            fields = (uscc, name, normalised, code, start, end, source, note, key)
            self.copy_out.write("\t".join(map(_copy_text, fields)) + "\n")
        self.count += 1


def _labels() -> dict[str, str]:
    from greenlist.rules.vocabulary import RecordType

    return {t.label: t.value for t in RecordType}


CODES: dict[str, str] = {}


def background_records(
    writer: RecordWriter, count: int, rng: random.Random, *, first_serial: int, regions: Sequence[str]
) -> None:
    """``count`` records about companies that do not apply: 1–4 records each, 7% without uscc."""
    from greenlist.demo.generate import FACTORY_INDUSTRIES, WORDS
    from greenlist.rules.uscc import make_uscc

    labels = list(CODES)
    serial = first_serial
    origin = dt.date(2012, 1, 1)
    while writer.count < count:
        serial += 1
        industry_suffix = FACTORY_INDUSTRIES[serial % len(FACTORY_INDUSTRIES)][1]
        name = f"河北{WORDS[serial % len(WORDS)]}{serial}{industry_suffix}"
        uscc = "" if rng.random() < 0.07 else make_uscc(f"91{regions[serial % len(regions)]}{serial:09d}")
        first = rng.randrange(len(labels))
        for offset in range(min(rng.randint(1, 4), count - writer.count)):
            start = origin + dt.timedelta(days=rng.randrange(5000))
            end = start + dt.timedelta(days=rng.randrange(1, 1200)) if rng.random() < 0.5 else None
            note = "" if rng.random() < 0.6 else f"文书编号{serial}-{offset}"
            # Distinct types per company keep (subject, type, start) keys unique.
            writer.add(
                uscc, name, labels[(first + offset) % len(labels)], start, end, rng.choice(SOURCES), note
            )


def write_import_files(count: int, directory: Path, seed: int, regions: Sequence[str]) -> tuple[Path, Path]:
    """The importer's CSV and the COPY text file of the same ``count`` rows."""
    csv_path, copy_path = directory / "负面记录.csv", directory / "negative-records.copy"
    with (
        csv_path.open("w", encoding="utf-8", newline="") as csv_file,
        copy_path.open("w", encoding="utf-8", newline="") as copy_file,
    ):
        out = csv.writer(csv_file)
        out.writerow(HEADERS)
        writer = RecordWriter(csv_out=out, copy_out=copy_file)
        background_records(writer, count, random.Random(seed), first_serial=0, regions=regions)
    return csv_path, copy_path


# --------------------------------------------------------------------------------------------
# Database helpers (Django configured)
# --------------------------------------------------------------------------------------------


def _execute(statement: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description else []


def _checkpoint() -> None:
    """Start each timed load with no dirty buffers left by the previous one."""
    from django.db import DatabaseError

    with contextlib.suppress(DatabaseError):  # needs superuser or pg_checkpoint; noisier without
        _execute("CHECKPOINT")


def _records_table() -> str:
    from greenlist.registry.models import NegativeRecord

    return NegativeRecord._meta.db_table


def _copy_columns() -> str:
    from greenlist.exchange.bulk import quoted_columns

    return ", ".join(quoted_columns(COPY_FIELDS))


def copy_in(lines: Callable[[Any], None]) -> None:
    """Run ``lines(copy)`` inside ``COPY registry_negativerecord (…) FROM STDIN`` and commit."""
    from django.db import connection, transaction

    table = connection.ops.quote_name(_records_table())
    columns = _copy_columns()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        lines(copy)


def copy_file(path: Path) -> None:
    def stream(copy: Any) -> None:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                copy.write(block)

    copy_in(stream)


def fingerprint() -> tuple[int, str]:
    """(rows, order-independent hash of every column): both loads must produce the same table."""
    columns = _copy_columns()
    table = _records_table()
    ((rows, digest),) = _execute(
        f"SELECT count(*), coalesce(sum(hashtextextended(concat_ws('|', {columns}), 0)), 0)::text FROM {table}"
    )
    return int(rows), str(digest)


def empty_records_table() -> None:
    _execute(f"TRUNCATE {_records_table()}")
    _checkpoint()


@dataclass
class Indexes:
    """The records table's secondary indexes and unique constraints, to drop and rebuild."""

    constraints: list[tuple[str, str]] = field(default_factory=list)
    indexes: list[tuple[str, str]] = field(default_factory=list)


def drop_secondary_indexes() -> Indexes:
    """Drop them before loading the screening set: building each once afterwards is several
    times faster than maintaining seven indexes row by row, and that load is not what is timed."""
    table = _records_table()
    saved = Indexes(
        constraints=[
            (str(n), str(d))
            for n, d in _execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
        ],
        indexes=[
            (str(n), str(d))
            for n, d in _execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
                " WHERE indrelid = %s::regclass AND NOT indisprimary AND indexrelid NOT IN"
                " (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
        ],
    )
    for name, _ in saved.constraints:
        _execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in saved.indexes:
        _execute(f"DROP INDEX {name}")
    return saved


def rebuild_indexes(saved: Indexes) -> None:
    table = _records_table()
    _execute("SET maintenance_work_mem = '512MB'")
    for _, definition in saved.indexes:
        _execute(definition)
    for name, definition in saved.constraints:
        _execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


# --------------------------------------------------------------------------------------------
# The screening data set
# --------------------------------------------------------------------------------------------


@dataclass
class Applicant:
    organisation_id: int
    uscc: str
    name: str


def build_screening_set(args: argparse.Namespace, rng: random.Random) -> dict[str, int]:
    """Evaluators, organisations, applications and list entries through the ORM; records with COPY."""
    from django.db import transaction

    from greenlist.campaign.models import Application, Batch
    from greenlist.campaign.workflow import State
    from greenlist.demo.generate import (
        FACTORY_INDUSTRIES,
        PROVINCIAL_FACTORIES,
        SUPPLY_CHAIN_INDUSTRIES,
        WORDS,
    )
    from greenlist.registry.models import (
        BlacklistEntry,
        Diagnosis,
        Evaluator,
        Organisation,
        ProvincialListEntry,
        RecommendingUnit,
    )
    from greenlist.rules.names import normalise_name
    from greenlist.rules.uscc import make_uscc
    from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method, ParkLevel
    from greenlist.scoping import unscoped

    batch = Batch.current(args.batch)
    params = batch.parameters
    window_start, reference = params.window_start, params.reference_date
    units = list(RecommendingUnit.objects.all())
    weights = [PROVINCIAL_FACTORIES.get(u.name, 10) for u in units]
    tz = dt.timezone(dt.timedelta(hours=8))

    def region6(unit: RecommendingUnit) -> str:
        return unit.region + "02" if len(unit.region) == 4 else unit.region

    with unscoped(), transaction.atomic():
        evaluators = Evaluator.objects.bulk_create(
            Evaluator(
                uscc=make_uscc(f"12110108{n:09d}"),
                name=f"绿色制造评价中心{n:04d}有限公司",
                name_normalised=normalise_name(f"绿色制造评价中心{n:04d}有限公司"),
            )
            for n in range(args.evaluators)
        )
        diagnosis_day = window_start + dt.timedelta(days=200)
        Diagnosis.objects.bulk_create(
            Diagnosis(
                evaluator=e,
                client_uscc=make_uscc(f"91130102{n + 500_000_000:09d}"),
                day=diagnosis_day if n % 12 else window_start - dt.timedelta(days=30),  # 1 in 12 fails V1
                client_province=params.province_name,
            )
            for n, e in enumerate(evaluators)
        )
        BlacklistEntry.objects.bulk_create(
            BlacklistEntry(
                evaluator_uscc=e.uscc, listed_on=reference - dt.timedelta(days=400), reason="弄虚作假"
            )
            for e in evaluators[:: max(1, args.evaluators // 5)]
        )

        organisations: list[Organisation] = []
        plans: list[tuple[int, Category]] = []  # (organisation index, category)
        for n in range(args.applications):
            draw = rng.random()
            category = (
                Category.FACTORY if draw < 0.8 else Category.SUPPLY_CHAIN if draw < 0.95 else Category.PARK
            )
            if category is Category.SUPPLY_CHAIN and organisations and rng.random() < 0.3:
                # A factory applicant also applying as a supply-chain enterprise.
                factory = next(
                    (i for i, c in reversed(plans[-50:]) if c is Category.FACTORY),
                    None,
                )
                if factory is not None and (factory, category) not in set(plans[-50:]):
                    plans.append((factory, category))
                    continue
            unit = rng.choices(units, weights)[0]
            place = unit.name.removesuffix("市").removesuffix("新区")
            if category is Category.PARK:
                name = f"{place}{WORDS[n % len(WORDS)]}经济开发区{n}管理委员会"
                industry = ""
            else:
                industry, suffix = rng.choice(
                    FACTORY_INDUSTRIES if category is Category.FACTORY else SUPPLY_CHAIN_INDUSTRIES
                )
                group = "（集团）" if n % 6 == 0 else ""
                name = f"{place}{WORDS[n % len(WORDS)]}{group}{n}{suffix}"
            organisations.append(
                Organisation(
                    uscc=make_uscc(
                        f"{'11' if category is Category.PARK else '91'}{region6(unit)}{n + 1:09d}"
                    ),
                    name=name,
                    name_normalised=normalise_name(name),
                    unit=unit,
                    industry=industry,
                )
            )
            plans.append((len(organisations) - 1, category))
        Organisation.objects.bulk_create(organisations, batch_size=2000)

        applications = []
        for index, category in plans:
            org = organisations[index]
            third_party = rng.random() < 0.6
            submitted = dt.datetime(2024, 6, 1, 9, tzinfo=tz) + dt.timedelta(
                minutes=rng.randrange(60 * 24 * 45)
            )
            park = category is Category.PARK
            applications.append(
                Application(
                    batch=batch,
                    organisation=org,
                    unit=org.unit,
                    category=category,
                    method=Method.THIRD_PARTY if third_party else Method.SELF,
                    # One project in ten goes to a few busy evaluators, beyond the V3 cap.
                    evaluator=rng.choice(
                        evaluators[: max(1, len(evaluators) // 50)] if rng.random() < 0.1 else evaluators
                    )
                    if third_party
                    else None,
                    industry=org.industry,
                    score=Decimal(rng.randrange(700, 990)) / 10,
                    no_result_promise=rng.random() < 0.95,
                    park_level=rng.choice([ParkLevel.NATIONAL, ParkLevel.PROVINCIAL, ParkLevel.MUNICIPAL])
                    if park
                    else "",
                    industrial_share=Decimal(rng.randrange(40, 90)) if park else None,
                    manufacturing_and_energy=True if park else None,
                    legal_boundary=True if park else None,
                    management_body=rng.random() < 0.95 if park else None,
                    green_factories_inside=rng.randrange(0, 30) if park else None,
                    green_factory_suppliers=rng.randrange(0, 40)
                    if category is Category.SUPPLY_CHAIN
                    else None,
                    state=State.SUBMITTED,
                    submitted_at=submitted,
                )
            )
        Application.objects.bulk_create(applications, batch_size=2000)

        entries = []
        for index, category in plans:
            org = organisations[index]
            if category is Category.PARK or rng.random() > 0.85:
                continue
            draw = rng.random()
            revoked_on = (
                window_start + dt.timedelta(days=rng.randrange(1, 900))
                if draw < 0.01
                else window_start - dt.timedelta(days=rng.randrange(1, 400))
                if draw < 0.02
                else None
            )
            entries.append(
                ProvincialListEntry(
                    uscc=org.uscc,
                    name=org.name,
                    name_normalised=org.name_normalised,
                    category=Category.FACTORY,
                    level=ListLevel.PROVINCIAL,
                    unit=org.unit,
                    year=rng.randrange(2017, 2024),
                    status=ListStatus.REVOKED if revoked_on else ListStatus.ACTIVE,
                    revoked_on=revoked_on,
                )
            )
        unique_entries = {e.uscc: e for e in entries}  # one factory entry per organisation
        ProvincialListEntry.objects.bulk_create(unique_entries.values(), batch_size=2000)

    applicants = [Applicant(o.pk, o.uscc, o.name) for o in organisations]
    hit = load_screening_records(args, rng, applicants, [region6(u) for u in units])
    _execute("VACUUM ANALYZE")
    return {
        "organisations": len(organisations),
        "applications": len(applications),
        "evaluators": len(evaluators),
        "list_entries": len(unique_entries),
        "applicants_with_records": hit,
    }


def _name_variant(name: str, rng: random.Random) -> str:
    """How another source spells the same name: half-width brackets, stray spaces."""
    variant = name.replace("（", "(").replace("）", ")") if rng.random() < 0.5 else name
    cut = rng.randrange(1, len(variant))
    return f"{variant[:cut]} {variant[cut:]} " if rng.random() < 0.7 else variant + "　"


def applicant_dates(
    rng: random.Random, code: str, window_start: dt.date, reference: dt.date, halt_months: int
) -> tuple[dt.date, dt.date | None]:
    """A (start, end) on or around the window's edges, where the rules are easiest to get wrong."""
    from greenlist.rules.batch import add_months

    day = dt.timedelta(days=1)
    inside = window_start + dt.timedelta(days=rng.randrange((reference - window_start).days + 1))
    if code == "halted" and rng.random() < 0.6:
        start = rng.choice([inside, window_start - dt.timedelta(days=rng.randrange(1, 400))])
        clipped = max(start, window_start)
        end = rng.choice(
            [
                add_months(clipped, halt_months),  # exactly halt_months inside the window: counts
                add_months(clipped, halt_months) - day,  # one day short: does not
                add_months(clipped, halt_months) + day,
                None,  # still halted: runs to the reference date
                add_months(clipped, halt_months - 1),
            ]
        )
        return start, (end if end is None or end >= start else start)
    scenario = rng.randrange(10)
    if scenario == 0:
        return window_start, None
    if scenario == 1:
        return reference, None
    if scenario == 2:
        return reference + dt.timedelta(days=rng.randrange(1, 200)), None  # after the reference date
    if scenario == 3:
        start = window_start - dt.timedelta(days=rng.randrange(30, 900))
        return start, rng.choice([window_start, window_start - day])  # ends on / just before the window
    if scenario == 4:
        return inside, rng.choice([reference, reference + day])  # ended on / after the reference date
    if scenario == 5:
        return window_start - dt.timedelta(days=rng.randrange(1, 2000)), None  # before, still in force
    if scenario == 6:
        return inside, inside + dt.timedelta(days=rng.randrange(0, 500))
    if scenario == 7:
        start = window_start - dt.timedelta(days=rng.randrange(400, 3000))
        return start, start + dt.timedelta(days=rng.randrange(1, 300))  # long before the window
    return inside, None


def load_screening_records(
    args: argparse.Namespace, rng: random.Random, applicants: Sequence[Applicant], regions: Sequence[str]
) -> int:
    """``--screen-records`` records by COPY, secondary indexes dropped and rebuilt around the load.

    ~5% of applicants get 1–3 records each (a fifth of those without uscc, under a differently
    spelled name); every other record concerns a company that does not apply."""
    from greenlist.campaign.models import Batch

    params = Batch.current(args.batch).parameters
    labels = list(CODES)
    chosen = rng.sample(list(applicants), k=max(1, round(len(applicants) * args.hit_share)))

    def lines(copy: Any) -> None:
        class Sink:  # one COPY write per 20,000 lines: a write per line would dominate the load
            def __init__(self) -> None:
                self.parts: list[str] = []

            def write(self, text: str) -> None:
                self.parts.append(text)
                if len(self.parts) >= 20_000:
                    self.flush()

            def flush(self) -> None:
                copy.write("".join(self.parts))
                self.parts = []

        sink = Sink()
        writer = RecordWriter(copy_out=sink)
        for applicant in chosen:
            seen: set[tuple[str, str, dt.date]] = set()
            for _ in range(rng.randint(1, 3)):
                label = rng.choice(labels)
                start, end = applicant_dates(
                    rng, CODES[label], params.window_start, params.reference_date, params.halt_months
                )
                by_name = rng.random() < 0.2
                uscc, name = (
                    ("", _name_variant(applicant.name, rng)) if by_name else (applicant.uscc, applicant.name)
                )
                subject = uscc or "name"
                if (subject, label, start) in seen:
                    continue
                seen.add((subject, label, start))
                writer.add(uscc, name, label, start, end, rng.choice(SOURCES), "")
        background_records(writer, args.screen_records, rng, first_serial=600_000_000, regions=regions)
        sink.flush()

    empty_records_table()
    saved = drop_secondary_indexes()
    copy_in(lines)
    rebuild_indexes(saved)
    return len(chosen)


# --------------------------------------------------------------------------------------------
# The hand-written E1–E6 query
# --------------------------------------------------------------------------------------------

# An applicant's records: by uscc, and records without uscc by normalised name. Written as a plain
# join, the planner misjudges how many rows a key matches (uscc "" is the commonest value) and
# hashes every uscc-less record; the tuned form probes the indexes once per applicant.
PLAIN_MATCH = """
    SELECT apps.id, r.type, r.start, r."end"
    FROM apps JOIN registry_negativerecord r ON r.uscc = apps.uscc
    UNION ALL
    SELECT apps.id, r.type, r.start, r."end"
    FROM apps JOIN registry_negativerecord r ON r.uscc = '' AND r.name_normalised = apps.name_normalised
"""
TUNED_MATCH = """
    SELECT apps.id, r.type, r.start, r."end" FROM apps CROSS JOIN LATERAL (
        SELECT type, start, "end" FROM registry_negativerecord r WHERE r.uscc = apps.uscc OFFSET 0) r
    UNION ALL
    SELECT apps.id, r.type, r.start, r."end" FROM apps CROSS JOIN LATERAL (
        SELECT type, start, "end" FROM registry_negativerecord r
        WHERE r.uscc = '' AND r.name_normalised = apps.name_normalised OFFSET 0) r
"""
EXCLUSIONS_SQL = """
WITH apps AS (
    SELECT a.id, o.uscc, o.name_normalised
    FROM campaign_application a JOIN registry_organisation o ON o.id = a.organisation_id
    WHERE a.batch_id = %(batch)s
),
matched AS ({match})
SELECT id FROM matched WHERE
    -- E1 deregistered at any time in the window / E6 dishonest debtor in the window: overlap
    (type IN ('deregistered', 'dishonest_debtor')
        AND start <= %(reference)s AND ("end" IS NULL OR "end" >= %(window_start)s))
    -- E1 halted: the part inside the window lasts halt_months or more
    OR (type = 'halted' AND start <= %(reference)s AND ("end" IS NULL OR "end" >= %(window_start)s)
        AND (GREATEST(start, %(window_start)s) + make_interval(months => %(halt_months)s))::date
            <= LEAST(COALESCE("end", %(reference)s), %(reference)s))
    -- E1 abnormal-operation list / E5 rectification list: still in force at the reference date
    OR (type IN ('abnormal_operation', 'energy_rectification')
        AND start <= %(reference)s AND ("end" IS NULL OR "end" > %(reference)s))
    -- E2 accidents and violations / E4 inspections: happened in the window
    OR (type IN ('safety_accident', 'cyber_security_incident', 'data_security_incident',
                 'quality_accident', 'pollution_accident', 'tax_evasion', 'violation',
                 'inspection_problem')
        AND start BETWEEN %(window_start)s AND %(reference)s)
    -- E3 removed from a green list in the window and not reinstated
    OR (type = 'list_removal' AND start BETWEEN %(window_start)s AND %(reference)s AND "end" IS NULL)
UNION
-- E3 from the applicant's own provincial-list entries revoked in the window
SELECT apps.id FROM apps JOIN registry_provinciallistentry e ON e.uscc = apps.uscc
WHERE e.status = 'revoked' AND e.revoked_on BETWEEN %(window_start)s AND %(reference)s
"""
# name → (join, JIT allowed). "tuned" is the baseline of the target; the others show what a
# plainly written query costs on the same server.
SQL_VARIANTS = {
    "tuned": (TUNED_MATCH, False),
    "plain, jit off": (PLAIN_MATCH, False),
    "plain, server defaults": (PLAIN_MATCH, True),
}


def sql_exclusions(batch_code: str, variant: str) -> set[int]:
    from django.db import connection, transaction

    from greenlist.campaign.models import Batch

    batch = Batch.current(batch_code)
    params = batch.parameters
    match, jit = SQL_VARIANTS[variant]
    with transaction.atomic(), connection.cursor() as cursor:
        if not jit:  # as screening's own record lookups run (greenlist.screening.facts)
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            EXCLUSIONS_SQL.format(match=match),
            {
                "batch": batch.pk,
                "window_start": params.window_start,
                "reference": params.reference_date,
                "halt_months": params.halt_months,
            },
        )
        return {int(row[0]) for row in cursor.fetchall()}


# --------------------------------------------------------------------------------------------
# Child phases (run in a fresh process, print one JSON object)
# --------------------------------------------------------------------------------------------


def phase_import(args: argparse.Namespace) -> dict[str, Any]:
    from greenlist.campaign.models import Batch
    from greenlist.exchange.importer import import_workbook

    batch = Batch.current(args.batch)
    before = rss()
    reset_peak_rss()
    started = time.perf_counter()
    report = import_workbook(Path(args.csv), batch=batch)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "ok": report.ok,
        "counts": {sheet: dict(counter) for sheet, counter in report.counts.items()},
        "errors": [str(e) for e in report.errors[:5]],
        "rss_before": before,
        "rss_peak": peak_rss(),
    }


def phase_screen(args: argparse.Namespace) -> dict[str, Any]:
    from greenlist.campaign.models import Batch
    from greenlist.rules.vocabulary import Effect
    from greenlist.screening.service import screen_batch

    batch = Batch.current(args.batch)
    _ = batch.parameters  # read the batch file before measuring
    before = rss()
    reset_peak_rss()
    times, result = [], None
    for _ in range(args.repeat):
        result = None  # the previous result is not part of the next run's memory
        started = time.perf_counter()
        result = screen_batch(batch)
        times.append(time.perf_counter() - started)
    peak = peak_rss()
    assert result is not None
    excluded = sorted(
        int(r.key)
        for r in result.applications
        if any(f.rule in EXCLUSION_RULES and f.effect is Effect.EXCLUDE for f in r.findings)
    )
    applications = len(result.applications)
    result = None
    tracemalloc.start()
    screen_batch(batch)
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "times": times,
        "applications": applications,
        "excluded": excluded,
        "rss_before": before,
        "rss_peak": peak,
        "heap_peak": heap_peak,
    }


def run_phase(phase: str, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--batch",
        args.batch,
        "--repeat",
        str(args.repeat),
    ]
    done = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"子进程 {phase} 失败：\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


@dataclass
class Results:
    records: int = 0
    screen_records: int = 0
    applications: int = 0
    copy_seconds: list[float] = field(default_factory=list)
    import_seconds: list[float] = field(default_factory=list)
    import_rss_peak: int = 0
    same_rows: bool = True
    screen_seconds: list[float] = field(default_factory=list)
    sql_seconds: dict[str, list[float]] = field(default_factory=dict)  # variant → runs
    screen_rss_growth: int = 0
    screen_heap_peak: int = 0
    excluded: int = 0
    same_result: bool = False
    dataset: dict[str, int] = field(default_factory=dict)

    @property
    def import_ratio(self) -> float:
        return min(self.copy_seconds) / min(self.import_seconds)  # (rows/s ours) / (rows/s COPY)

    @property
    def screen_ratio(self) -> float:
        return min(self.screen_seconds) / self.sql_best()

    def sql_best(self, variant: str = "tuned") -> float:
        return min(self.sql_seconds[variant])

    @property
    def targets(self) -> dict[str, bool]:
        return {
            "import": self.import_ratio >= TARGET_IMPORT_RATIO,
            "screen": self.screen_ratio <= TARGET_SCREEN_RATIO,
            "memory": self.screen_rss_growth < TARGET_MEMORY,
        }


def _say(text: str) -> None:
    print(text, flush=True)


def benchmark_import(args: argparse.Namespace, results: Results, directory: Path, regions: list[str]) -> None:
    started = time.perf_counter()
    csv_path, copy_path = write_import_files(args.records, directory, args.seed, regions)
    _say(f"generated {args.records:,} records ({time.perf_counter() - started:.1f} s)")
    prints = set()
    for round_ in range(1, args.rounds + 1):
        empty_records_table()
        started = time.perf_counter()
        copy_file(copy_path)
        results.copy_seconds.append(time.perf_counter() - started)
        prints.add(fingerprint())
        empty_records_table()
        run = run_phase("import", args, "--csv", str(csv_path))
        if not run["ok"] or run["counts"].get("负面记录", {}).get("created") != args.records:
            raise SystemExit(f"导入失败：{run}")
        results.import_seconds.append(run["seconds"])
        results.import_rss_peak = max(results.import_rss_peak, run["rss_peak"])
        prints.add(fingerprint())
        _say(
            f"round {round_}: COPY {results.copy_seconds[-1]:.1f} s, "
            f"greenlist import {results.import_seconds[-1]:.1f} s (peak RSS {run['rss_peak'] / 2**20:.0f} MiB)"
        )
    results.same_rows = len(prints) == 1 and next(iter(prints))[0] == args.records
    empty_records_table()


def benchmark_screening(args: argparse.Namespace, results: Results) -> None:
    started = time.perf_counter()
    results.dataset = build_screening_set(args, random.Random(args.seed + 1))
    _say(f"built the screening set: {results.dataset} ({time.perf_counter() - started:.1f} s)")
    screened = run_phase("screen", args)
    results.screen_seconds = screened["times"]
    results.screen_rss_growth = screened["rss_peak"] - screened["rss_before"]
    results.screen_heap_peak = screened["heap_peak"]
    ours = set(screened["excluded"])
    results.same_result = True
    for variant in SQL_VARIANTS:
        theirs: set[int] = set()
        for _ in range(args.repeat):
            started = time.perf_counter()
            theirs = sql_exclusions(args.batch, variant)
            results.sql_seconds.setdefault(variant, []).append(time.perf_counter() - started)
        if ours != theirs:
            results.same_result = False
            _say(
                f"{variant}: only screen_batch {sorted(ours - theirs)[:20]}, only SQL {sorted(theirs - ours)[:20]}"
            )
        results.excluded = len(theirs)


def report(results: Results) -> None:
    mib = 2**20
    copy_rate = results.records / min(results.copy_seconds)
    import_rate = results.records / min(results.import_seconds)
    met = results.targets
    _say("")
    _say(f"a. import of {results.records:,} negative records (best of {len(results.copy_seconds)})")
    _say(f"   PostgreSQL COPY:  {min(results.copy_seconds):7.1f} s  {copy_rate:10,.0f} rows/s")
    _say(f"   greenlist import: {min(results.import_seconds):7.1f} s  {import_rate:10,.0f} rows/s")
    _say(
        f"   ratio: {results.import_ratio:.2f}× COPY's rate (target ≥ {TARGET_IMPORT_RATIO}×) "
        f"{'PASS' if met['import'] else 'FAIL'}; same rows: {'yes' if results.same_rows else 'no'}; "
        f"import peak RSS {results.import_rss_peak / mib:.0f} MiB"
    )
    _say(
        f"b. screening {results.applications:,} applications against {results.screen_records:,} records "
        f"(best of {len(results.screen_seconds)})"
    )
    _say(f"   screen_batch:     {min(results.screen_seconds):7.2f} s")
    for variant in SQL_VARIANTS:
        _say(f"   SQL E1–E6 query ({variant}): {results.sql_best(variant):7.3f} s")
    _say(
        f"   ratio: {results.screen_ratio:.2f}× (target ≤ {TARGET_SCREEN_RATIO:.0f}×) "
        f"{'PASS' if met['screen'] else 'FAIL'}"
    )
    _say(
        f"   peak memory: RSS +{results.screen_rss_growth / mib:.0f} MiB, Python heap {results.screen_heap_peak / mib:.0f} MiB "
        f"(target < 1 GiB) {'PASS' if met['memory'] else 'FAIL'}"
    )
    _say(f"   excluded by E1–E6: {results.excluded:,}; same result: {'yes' if results.same_result else 'no'}")


def write_docs(path: Path, results: Results, seconds: float) -> None:
    """Append this run to the results table between the markers (kept hand-written text intact)."""
    mib = 2**20
    met = results.targets
    row = (
        f"| {dt.date.today().isoformat()} | {results.records:,} / {results.screen_records:,} / "
        f"{results.applications:,} | {min(results.copy_seconds):.1f} s ({results.records / min(results.copy_seconds):,.0f}/s) "
        f"| {min(results.import_seconds):.1f} s ({results.records / min(results.import_seconds):,.0f}/s) "
        f"| **{results.import_ratio:.2f}×** {'✓' if met['import'] else '✗'} "
        f"| {min(results.screen_seconds):.2f} s | {results.sql_best():.3f} s "
        f"({results.sql_best('plain, jit off'):.2f} / {results.sql_best('plain, server defaults'):.2f} s) "
        f"| **{results.screen_ratio:.2f}×** {'✓' if met['screen'] else '✗'} "
        f"| +{results.screen_rss_growth / mib:.0f} MiB {'✓' if met['memory'] else '✗'} "
        f"| {'yes' if results.same_result else '**no**'} ({results.excluded:,}) | {seconds / 60:.1f} min |"
    )
    header = (
        "| date | records imported / screened / applications | COPY | greenlist import | import ratio (≥ 0.5×) "
        "| screen_batch | SQL E1–E6 tuned (plain, jit off / plain, defaults) | screen ratio (≤ 2×) | screening memory (< 1 GiB) | same exclusions | run |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if DOCS_START in text and DOCS_END in text:
        head, rest = text.split(DOCS_START, 1)
        body, tail = rest.split(DOCS_END, 1)
        body = body.rstrip("\n") + "\n" + row + "\n"
    else:
        head, tail = text.rstrip("\n") + "\n\n", "\n"
        body = "\n" + header + "\n" + row + "\n"
    path.write_text(head + DOCS_START + body + DOCS_END + tail, encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="negative records to import (a)")
    parser.add_argument(
        "--screen-records", type=int, default=5_000_000, help="negative records to screen against (b)"
    )
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--evaluators", type=int, default=500)
    parser.add_argument("--hit-share", type=float, default=0.05, help="share of applicants with records")
    parser.add_argument("--rounds", type=int, default=2, help="import rounds (COPY, then greenlist)")
    parser.add_argument("--repeat", type=int, default=3, help="screening runs of each kind")
    parser.add_argument("--batch", default="2024")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--database", default="greenlist_bench")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-docs", action="store_true", help="do not append the results to --docs")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--phase", choices=["import", "screen"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (
        min(args.records, args.screen_records, args.applications, args.evaluators, args.rounds, args.repeat)
        < 1
    ):
        parser.error("sizes, --rounds and --repeat must be at least 1")
    if not args.database.replace("_", "").isalnum():
        parser.error("--database: letters, digits and underscores only")
    return args


def _setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenlist.settings")
    django.setup()
    CODES.update(_labels())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        _setup_django()
        outcome = phase_import(args) if args.phase == "import" else phase_screen(args)
        print(json.dumps(outcome))
        return 0

    server = args.server.rstrip("/")
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    name = sql.Identifier(args.database)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    os.environ["DATABASE_URL"] = f"{server}/{args.database}"
    os.environ["CONN_MAX_AGE"] = "0"
    started = time.perf_counter()
    results = Results(
        records=args.records, screen_records=args.screen_records, applications=args.applications
    )
    try:
        _setup_django()
        from django.core.management import call_command

        from greenlist.registry.models import RecommendingUnit

        call_command("migrate", verbosity=0)
        regions = [
            u.region + "02" if len(u.region) == 4 else u.region for u in RecommendingUnit.objects.all()
        ]
        with tempfile.TemporaryDirectory(prefix="greenlist-bench-") as directory:
            benchmark_import(args, results, Path(directory), regions)
        benchmark_screening(args, results)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.close()
    report(results)
    elapsed = time.perf_counter() - started
    _say(f"total {elapsed / 60:.1f} min")
    if not args.no_docs:
        write_docs(args.docs, results, elapsed)
        _say(f"results appended to {args.docs}")
    if not results.same_result or not results.same_rows:
        return 1
    return 0 if all(results.targets.values()) else 2


if __name__ == "__main__":
    sys.exit(main())
