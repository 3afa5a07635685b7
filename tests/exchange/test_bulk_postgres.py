"""The PostgreSQL COPY path of the 负面记录 import (greenlist.exchange.bulk), through the real importer.

These tests commit for real (transaction=True): the staging table must vanish at commit, and a
bad row must roll back chunks that were already upserted in the same top-level transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from greenlist.audit.models import AuditEvent
from greenlist.campaign.models import Batch
from greenlist.exchange import bulk
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import NegativeRecord
from greenlist.rules.names import normalise_name
from greenlist.rules.uscc import make_uscc
from greenlist.rules.vocabulary import RecordType

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY 批量导入仅用于 PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

HEADERS = ["统一社会信用代码", "名称", "类型", "开始日期", "结束日期", "来源", "说明"]
TYPES = [t.label for t in RecordType]
ROWS = 2500
SMALL_CHUNK = 1000  # three chunks, the last one partial


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK", SMALL_CHUNK)


def record_rows(count: int, *, first: int = 0, end: str = "") -> list[list[str]]:
    """``count`` records; every tenth has no uscc and a name that only matches once normalised."""
    rows = []
    for n in range(first, first + count):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=n % 1500)
        if n % 10 == 0:
            code, name = "", f"河北批量（集团）{n} 有限公司 "
        else:
            code, name = make_uscc(f"91130102{n:09d}"), f"河北批量{n}有限公司"
        rows.append([code, name, TYPES[n % len(TYPES)], start.isoformat(), end, "信用中国", f"第{n}条"])
    return rows


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def snapshot() -> dict[str, tuple[Any, ...]]:
    return {
        r.key: (r.uscc, r.name, r.name_normalised, r.type, r.start, r.end, r.source, r.note)
        for r in NegativeRecord.unscoped.all()
    }


def staging_table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"pg_temp.{bulk.STAGING}"])
        (exists,) = cursor.fetchone()
    return bool(exists)


def test_reimport_counts_created_and_updated_rows(tmp_path: Path) -> None:
    batch = Batch.current("2024")
    path = write(tmp_path / "负面记录.csv", record_rows(ROWS))
    with CaptureQueriesContext(connection) as queries:
        report = import_workbook(path, batch=batch)
    assert report.ok, report.errors
    assert dict(report.counts["负面记录"]) == {"created": ROWS}
    upserts = [q for q in queries.captured_queries if f'FROM "{bulk.STAGING}"' in q["sql"]]
    assert len(upserts) == 3  # one COPY + upsert per chunk, the partial last chunk included
    assert not staging_table_exists()  # ON COMMIT DROP
    first = snapshot()
    assert len(first) == ROWS
    named = NegativeRecord.unscoped.get(uscc="", name="河北批量（集团）0 有限公司")
    assert named.name_normalised == normalise_name(named.name) == "河北批量(集团)0有限公司"
    assert named.key == NegativeRecord.make_key("", named.name_normalised, named.type, named.start)

    # The same records with an end date, plus 300 new ones.
    changed = record_rows(ROWS, end="2024-06-30") + record_rows(300, first=ROWS)
    report = import_workbook(write(tmp_path / "负面记录.csv", changed), batch=batch)
    assert report.ok, report.errors
    assert dict(report.counts["负面记录"]) == {"created": 300, "updated": ROWS}
    second = snapshot()
    assert len(second) == ROWS + 300
    assert set(first) <= set(second)
    assert {second[key][5] for key in first} == {dt.date(2024, 6, 30)}
    assert all(second[key][:5] == first[key][:5] for key in first)  # only 结束日期 changed


def test_a_bad_last_row_leaves_the_table_unchanged(tmp_path: Path) -> None:
    batch = Batch.current("2024")
    assert import_workbook(write(tmp_path / "负面记录.csv", record_rows(ROWS)), batch=batch).ok
    before, events = snapshot(), AuditEvent.objects.count()

    rows = record_rows(ROWS, end="2024-06-30") + record_rows(300, first=ROWS)
    rows.append([make_uscc("91130102999999999"), "最后一行公司", "火灾", "2023-01-01", "", "", ""])
    with CaptureQueriesContext(connection) as queries:
        report = import_workbook(write(tmp_path / "负面记录.csv", rows), batch=batch)

    assert not report.ok
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("负面记录", len(rows) + 1, "类型")]
    # The first chunks were written before the bad row was read; the rollback undid them.
    assert any(f'FROM "{bulk.STAGING}"' in q["sql"] for q in queries.captured_queries)
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    assert not staging_table_exists()
