"""Backup and restore of everything greenlist holds: every table (audit chain included, with its
ids and hashes) and every uploaded file, in one .zip with a manifest of counts and checksums."""

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
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from greenlist.audit.integrity import allow_rewrite
from greenlist.scoping import unscoped

FORMAT = "greenlist-backup/1"
APP_LABELS = ("accounts", "registry", "campaign", "audit", "auth", "contenttypes")


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


def checksum(model: type[models.Model]) -> tuple[int, str]:
    """Row count and a digest of every row's values in primary-key order (compares two databases)."""
    digest = hashlib.sha256()
    fields = [f.attname for f in model._meta.concrete_fields]
    count = 0
    for row in model._base_manager.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
        digest.update(json.dumps(row, default=str, ensure_ascii=False).encode())
        count += 1
    return count, digest.hexdigest()


def manifest() -> dict[str, Any]:
    with unscoped():
        tables = {
            m._meta.label: dict(zip(("rows", "sha256"), checksum(m), strict=True)) for m in tracked_models()
        }
    return {"format": FORMAT, "database": connection.vendor, "tables": tables}


def backup(target: Path) -> dict[str, Any]:
    """Write the backup to ``target``; returns its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "data.json"
        with unscoped(), transaction.atomic():  # one consistent snapshot on PostgreSQL
            with dump.open("w", encoding="utf-8") as stream:
                rows = itertools.chain.from_iterable(
                    m._base_manager.order_by("pk").iterator(chunk_size=2000) for m in tracked_models()
                )
                serializers.serialize("json", rows, stream=stream, cls=PreciseEncoder)
            info = manifest()
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        info["files"] = {
            p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(dump, "data.json")
            for path in files:
                archive.write(path, f"media/{path.relative_to(media).as_posix()}")
            archive.writestr("manifest.json", json.dumps(info, ensure_ascii=False, indent=2))
    return info


def restore(source: Path, *, replace: bool = False) -> dict[str, Any]:
    """Load a backup into this (migrated) database. Refuses a database that already holds
    campaign data unless ``replace``; checks counts and checksums against the manifest after."""
    try:
        archive = zipfile.ZipFile(source)
        info = json.loads(archive.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{source} 不是 greenlist 备份文件：{exc}") from exc
    if info.get("format") != FORMAT:
        raise BackupError(f"备份格式“{info.get('format')}”不受支持（需要 {FORMAT}）。")
    with unscoped():
        occupied = (
            apps.get_model("campaign", "Application")._base_manager.exists()
            or apps.get_model("audit", "AuditEvent")._base_manager.exists()
        )
    if occupied and not replace:
        raise BackupError(
            "目标数据库已有数据。请在新建（已 migrate）的数据库上恢复，或确认覆盖后使用 --replace。"
        )
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder, unscoped():
        archive.extract("data.json", folder)
        with transaction.atomic(), allow_rewrite():
            # Reference rows created by migrate (units, batches, content types) are replaced too.
            for model in reversed(tracked_models()):
                model._base_manager.all()._raw_delete(model._base_manager.db)
            call_command("loaddata", str(Path(folder) / "data.json"), verbosity=0)
            _reset_sequences()
            restored = manifest()
            if restored["tables"] != info["tables"]:
                broken = [k for k in info["tables"] if restored["tables"].get(k) != info["tables"][k]]
                raise BackupError(f"恢复后的数据与备份清单不符：{'、'.join(broken)}；已回滚，未做任何修改。")
    for name in archive.namelist():
        if name.startswith("media/") and not name.endswith("/"):
            path = media / name.removeprefix("media/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(name))
            if hashlib.sha256(path.read_bytes()).hexdigest() != info["files"].get(
                name.removeprefix("media/")
            ):
                raise BackupError(f"文件 {name} 与清单校验值不符。")
    return info


def _reset_sequences() -> None:
    # Django's own statements, not `sqlsequencereset`: that command's output ends in COMMIT, which
    # would commit the restore halfway (and with it the audit trigger switched off).
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), _models_with_sequences()):
            cursor.execute(statement)


def _models_with_sequences() -> list[type[models.Model]]:
    # Auto-created many-to-many tables (a user's groups) have sequences too.
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in APP_LABELS]
