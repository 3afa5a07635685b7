"""Backup of everything greenlist holds: every table (audit chain included, with its ids and
hashes) and every uploaded file, in one .zip with a manifest of counts and checksums."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from greenlist.scoping import unscoped

FORMAT = "greenlist-backup/1"
APP_LABELS = (
    "accounts",
    "registry",
    "campaign",
    "screening",
    "dynamic",
    "selection",
    "audit",
    "auth",
    "contenttypes",
)
# How the table checksums are computed. "rows/2" sorts the keys of JSON values, so a backup made
# on SQLite verifies on PostgreSQL (jsonb reorders keys); manifests without the key are "rows/1".
CHECKSUM = "rows/2"
LEGACY_CHECKSUM = "rows/1"
STAGING_PREFIX = ".restore-"


class BackupError(Exception):
    pass


class PreciseEncoder(DjangoJSONEncoder):
    """Django's encoder keeps only milliseconds; a backup keeps every microsecond (the audit
    chain's hashes cover them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def tracked_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label in APP_LABELS and not m._meta.proxy]


def checksum(model: type[models.Model], version: str = CHECKSUM) -> tuple[int, str]:
    """Row count and a digest of every row's values in primary-key order (compares two databases)."""
    digest = hashlib.sha256()
    fields = [f.attname for f in model._meta.concrete_fields]
    sort_keys = version != LEGACY_CHECKSUM
    count = 0
    for row in model._base_manager.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
        digest.update(json.dumps(row, default=str, ensure_ascii=False, sort_keys=sort_keys).encode())
        count += 1
    return count, digest.hexdigest()


def applied_migrations() -> list[str]:
    """The schema a backup's rows fit: every applied migration of the backed-up apps."""
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied if app in APP_LABELS)


def manifest(version: str = CHECKSUM) -> dict[str, Any]:
    with unscoped():
        tables = {
            m._meta.label: dict(zip(("rows", "sha256"), checksum(m, version), strict=True))
            for m in tracked_models()
        }
    return {"format": FORMAT, "checksum": version, "database": connection.vendor, "tables": tables}


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _staging(path: Path, media: Path) -> bool:
    """Files of a restore that was interrupted (see ops.archive) are not uploads."""
    return path.relative_to(media).parts[0].startswith(STAGING_PREFIX)


def backup(target: Path) -> dict[str, Any]:
    """Write the backup to ``target``; returns its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "data.json"
        with unscoped(), transaction.atomic():
            if connection.vendor == "postgresql":
                # One snapshot for the dump and the manifest's checksums: under the default READ
                # COMMITTED each query would see the writes made in between, and restore would
                # rightly refuse a backup whose checksums do not match its data.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with dump.open("w", encoding="utf-8") as stream:
                rows = itertools.chain.from_iterable(
                    m._base_manager.order_by("pk").iterator(chunk_size=2000) for m in tracked_models()
                )
                serializers.serialize("json", rows, stream=stream, cls=PreciseEncoder)
            info = manifest()
            info["migrations"] = applied_migrations()
        info["data_sha256"] = file_digest(dump)
        files = (
            sorted(p for p in media.rglob("*") if p.is_file() and not _staging(p, media))
            if media.exists()
            else []
        )
        info["files"] = {p.relative_to(media).as_posix(): file_digest(p) for p in files}
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump, "data.json")
            for path in files:
                archive.write(path, f"media/{path.relative_to(media).as_posix()}")
            archive.writestr("manifest.json", json.dumps(info, ensure_ascii=False, indent=2))
    return info
