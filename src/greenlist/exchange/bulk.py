"""The PostgreSQL bulk path for the 负面记录 sheet: COPY into a staging table, then one upsert.

A province imports millions of negative records; row-by-row ``bulk_create`` spends most of its
time building and parsing SQL text. On PostgreSQL each chunk of parsed rows is streamed with
``COPY … FROM STDIN`` into a temporary staging table that lives only as long as the import's
transaction (``ON COMMIT DROP``), then moved into ``registry_negativerecord`` with one
``INSERT … SELECT … ON CONFLICT (key) DO UPDATE``. Everything runs in the importer's transaction,
so a bad row later in the file still rolls every chunk back. SQLite keeps the ``bulk_create`` path.

Per-chunk upserts were measured against one upsert at the end of the sheet (1,000,000 rows into
the table's seven indexes): chunks of 20,000 rows are within run-to-run noise of the single
statement, chunks of 2,000 some 10–20% slower, so the importer hands this sheet over in chunks of
:data:`CHUNK` rows (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models

from greenlist.registry.models import NegativeRecord
from greenlist.rules.names import normalise_name

# Rows per COPY + upsert round trip (the importer's chunk for this sheet on PostgreSQL). Large
# enough that per-statement costs vanish, small enough that a chunk of parsed rows stays ~15 MB
# and the staging table stays inside temp_buffers.
CHUNK = 20_000

STAGING = "greenlist_negativerecord_staging"
FIELDS = ("uscc", "name", "name_normalised", "type", "start", "end", "source", "note", "key")
# What a re-import may change; uscc/name, type and start make up the key itself.
UPDATED = ("name", "name_normalised", "end", "source", "note")

TYPES = ("text", "text", "text", "text", "date", "date", "text", "text", "text")  # FIELDS' types on the wire
RecordRow = tuple[str, str, str, str, dt.date, dt.date | None, str, str, str]


def available() -> bool:
    """The COPY path needs PostgreSQL (psycopg 3's ``cursor.copy``)."""
    return connection.vendor == "postgresql"


def record_row(row: Mapping[str, Any]) -> RecordRow:
    """A parsed 负面记录 row as the staging table's columns, in :data:`FIELDS` order."""
    normalised = normalise_name(row["name"])
    return (
        row["uscc"],
        row["name"],
        normalised,
        row["type"],
        row["start"],
        row["end"],
        row["source"],
        row["note"],
        NegativeRecord.make_key(row["uscc"], normalised, row["type"], row["start"]),
    )


def quoted_columns(names: Iterable[str]) -> list[str]:
    """The negative-record table's columns for ``names`` (model field names), quoted for SQL."""
    columns = []
    for name in names:
        model_field = NegativeRecord._meta.get_field(name)
        assert isinstance(model_field, models.Field)  # a concrete column, not a relation
        columns.append(connection.ops.quote_name(model_field.column))
    return columns


def upsert_records(rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Insert or update parsed 负面记录 rows by key; returns (created, updated).

    Must run inside the import's transaction: the staging table is dropped at commit, and the
    caller's rollback must undo every chunk. Keys must be unique among ``rows`` (the importer
    refuses duplicate rows before they get here); PostgreSQL would refuse them otherwise.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("负面记录批量导入必须在导入事务内执行（否则无法整体回滚）")
    table = connection.ops.quote_name(NegativeRecord._meta.db_table)
    staging = connection.ops.quote_name(STAGING)
    columns = ", ".join(quoted_columns(FIELDS))
    (key,) = quoted_columns(["key"])
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in quoted_columns(UPDATED))
    with connection.cursor() as cursor:
        # The first chunk creates the table; later chunks, and a second import inside the same
        # outer transaction (a savepoint, as in tests), find it there. Emptied for every chunk.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {staging}")
        # Binary COPY: psycopg's C dumpers skip formatting text, about twice as fast per row.
        with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(TYPES)
            for row in rows:
                copy.write_row(record_row(row))
        # xmax is 0 only on a freshly inserted tuple; a row taken by DO UPDATE carries our
        # transaction's id. Counting in SQL keeps a million booleans off the wire.
        cursor.execute(
            f"WITH written AS ("
            f" INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}"
            f" ON CONFLICT ({key}) DO UPDATE SET {updates}"
            f" RETURNING (xmax = 0) AS inserted)"
            f" SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written"
        )
        created, updated = cursor.fetchone()
    return int(created), int(updated)
