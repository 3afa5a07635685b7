"""Restore of a backup: everything is checked before the database is touched; the rows are loaded,
the sequences moved and every table's checksum compared inside one transaction that commits only
when all agree; the uploaded files are moved into place after the commit."""

from __future__ import annotations

import os
import shutil
from itertools import islice
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.python import Deserializer
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor

from greenlist.audit.integrity import allow_rewrite
from greenlist.ops.archive import BackupArchive
from greenlist.ops.backup import LEGACY_CHECKSUM, BackupError, applied_migrations, manifest, tracked_models
from greenlist.scoping import unscoped

_CHUNK_ROWS = 1000
_ROLLED_BACK = "已回滚，未做任何修改。"


def restore(source: Path, *, replace: bool = False) -> dict[str, Any]:
    """Load a backup into this (migrated) database. Refuses a database that already holds
    campaign data unless ``replace``; returns the backup's manifest once every table matches it."""
    media = Path(settings.MEDIA_ROOT)
    with BackupArchive(source) as archive, unscoped():
        info = archive.manifest
        _check_target(info, replace=replace)
        archive.check_data()
        staging = archive.stage_files(media)
        try:
            _load(archive, info)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    ContentType.objects.clear_cache()  # content type ids now come from the backup
    _move_into_place(staging, media)
    return info


def _check_target(info: dict[str, Any], *, replace: bool) -> None:
    version = info.get("checksum", LEGACY_CHECKSUM)
    if version == LEGACY_CHECKSUM and info.get("database") != connection.vendor:
        raise BackupError(
            f"此备份由旧版本在 {info.get('database')} 上生成，其校验值只能在同类数据库上核对；"
            f"请恢复到 {info.get('database')} 数据库，或用新版本重新备份。未做任何修改。"
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError("目标数据库尚未完成迁移，请先运行 greenlist migrate。未做任何修改。")
    wanted = info.get("migrations")
    if wanted is not None and sorted(wanted) != applied_migrations():
        differ = sorted(set(wanted) ^ set(applied_migrations()))
        raise BackupError(
            f"备份的数据库结构与本系统不同（{'、'.join(differ[:5])}），请用生成备份的同一版本 greenlist 恢复。"
            "未做任何修改。"
        )
    occupied = (
        apps.get_model("campaign", "Application")._base_manager.exists()
        or apps.get_model("audit", "AuditEvent")._base_manager.exists()
    )
    if occupied and not replace:
        raise BackupError(
            "目标数据库已有数据。请在新建（已 migrate）的数据库上恢复，或确认覆盖后使用 --replace。"
        )


def _load(archive: BackupArchive, info: dict[str, Any]) -> None:
    version = info.get("checksum", LEGACY_CHECKSUM)
    try:
        with transaction.atomic(), allow_rewrite():
            tracked = tracked_models()
            # Reference rows created by migrate (units, batches, content types) are replaced too,
            # and so are the many-to-many rows (user groups and permissions) that point at them.
            for model in _many_to_many_tables(tracked) + tracked[::-1]:
                model._base_manager.all()._raw_delete(model._base_manager.db)
            records = archive.records()
            while chunk := list(islice(records, _CHUNK_ROWS)):
                for row in Deserializer(chunk):
                    row.save()
            connection.check_constraints()
            _advance_sequences(tracked)
            restored = manifest(version)["tables"]
            broken = [label for label, table in info["tables"].items() if restored.get(label) != table]
            if broken:
                raise BackupError(f"恢复后的数据与备份清单不符：{'、'.join(broken)}；{_ROLLED_BACK}")
    except (DatabaseError, DeserializationError, FieldDoesNotExist, ValidationError, ValueError) as exc:
        raise BackupError(f"备份数据无法载入本数据库（{exc}）；{_ROLLED_BACK}") from exc


def _many_to_many_tables(tracked: list[type[models.Model]]) -> list[type[models.Model]]:
    throughs = (field.remote_field.through for m in tracked for field in m._meta.local_many_to_many)
    return [through for through in throughs if through is not None and through._meta.auto_created]


def _advance_sequences(tracked: list[type[models.Model]]) -> None:
    """Move each id sequence past the restored rows, never back: PostgreSQL's setval is not undone
    by a rollback, and a sequence moved below rows that stay would hand out their ids again."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT counter follows inserted ids inside the transaction
    with connection.cursor() as cursor:
        for model in tracked + _many_to_many_tables(tracked):
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField):
                continue
            table, column = connection.ops.quote_name(model._meta.db_table), pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            (sequence,) = cursor.fetchone() or (None,)
            if sequence is None:
                continue
            cursor.execute(
                f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0)"
                f" FROM {table}), COALESCE(pg_sequence_last_value(%s::regclass), 0), 1))",
                [sequence, sequence],
            )


def _move_into_place(staging: Path, media: Path) -> None:
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = media / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    shutil.rmtree(staging, ignore_errors=True)
