"""Restore refuses anything it cannot verify and then changes nothing: not the database (every
table's checksum is compared before and after), not the file system (every path under the test
folder is listed before and after)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

import greenlist
from greenlist.audit.log import verify
from greenlist.campaign.models import Attachment
from greenlist.decisions.transitions import transition
from greenlist.ops.backup import manifest
from greenlist.registry.models import Organisation
from greenlist.scoping import unscoped
from tests.conftest import Personas, make_org

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    # Two levels down, so "media/../../x" would land inside tmp_path, where the test looks.
    settings.MEDIA_ROOT = tmp_path / "site" / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def backed_up(personas: Personas, media: Path, tmp_path: Path) -> Path:
    """A campaign with an audit trail and one uploaded file, backed up to b.zip."""
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    with unscoped():
        Attachment.objects.create(
            application=personas.app_x,
            kind=Attachment.Kind.EVALUATION_REPORT,
            file=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
            original_name="评价报告.pdf",
            sha256=hashlib.sha256(b"%PDF-1.4 report").hexdigest(),
            size=15,
            uploaded_by=personas.applicant_x,
        )
    call_command("backup", str(tmp_path / "b.zip"))
    return tmp_path / "b.zip"


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in root.rglob("*")}


def rewrite(
    source: Path,
    target: Path,
    *,
    data: bytes | None = None,
    info: dict[str, Any] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A copy of the backup with data.json, manifest.json replaced and members added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for entry in old.infolist():
            if entry.filename == "data.json" and data is not None:
                new.writestr("data.json", data)
            elif entry.filename == "manifest.json" and info is not None:
                new.writestr("manifest.json", json.dumps(info, ensure_ascii=False))
            else:
                new.writestr(entry, old.read(entry))
        for name, content in (extra or {}).items():
            new.writestr(name, content)
    return target


def contents(backup: Path) -> tuple[bytes, dict[str, Any]]:
    with zipfile.ZipFile(backup) as archive:
        return archive.read("data.json"), json.loads(archive.read("manifest.json"))


def test_a_dump_edited_after_the_backup_is_refused_and_nothing_changes(backed_up, tmp_path):
    data, _ = contents(backed_up)
    edited = rewrite(
        backed_up,
        tmp_path / "edited.zip",
        data=data.replace("石家庄甲公司".encode(), "石家庄丙公司".encode()),
    )
    before, files = manifest()["tables"], tree(tmp_path)

    with pytest.raises(CommandError, match=r"data\.json 与清单校验值不符"):
        call_command("restore", str(edited), "--replace")

    assert manifest()["tables"] == before
    assert tree(tmp_path) == files


def test_a_dump_edited_with_a_matching_digest_is_rolled_back_on_the_table_checksums(
    personas, backed_up, tmp_path
):
    """The edit passes every check made before loading; the table checksums catch it inside the
    transaction (on PostgreSQL the sequence reset used to commit it). Rows added after the backup
    stay, and new rows still get fresh ids (no sequence moved back below them)."""
    data, info = contents(backed_up)
    with unscoped():
        newer = make_org("唐山市", "唐山备份后新增公司")
    transition(personas.app_y, "submitted", actor=personas.applicant_y)
    edited_data = data.replace("石家庄甲公司".encode(), "石家庄丙公司".encode())
    assert edited_data != data
    edited = rewrite(
        backed_up,
        tmp_path / "edited.zip",
        data=edited_data,
        info={**info, "data_sha256": hashlib.sha256(edited_data).hexdigest()},
    )
    before, files = manifest()["tables"], tree(tmp_path)

    with pytest.raises(CommandError, match="已回滚，未做任何修改") as refused:
        call_command("restore", str(edited), "--replace")

    assert "registry.Organisation" in str(refused.value)
    assert manifest()["tables"] == before
    assert tree(tmp_path) == files
    with unscoped():
        assert Organisation.objects.get(pk=newer.pk).name == "唐山备份后新增公司"
        assert make_org("唐山市", "唐山恢复失败后新增公司").pk > newer.pk


@pytest.mark.parametrize(
    ("member", "listed_as"),
    [
        ("media/../../escaped.txt", None),
        ("media/../../escaped.txt", "../../escaped.txt"),
        ("{tmp}/absolute.txt", None),
        ("media/{tmp}/absolute.txt", "{tmp}/absolute.txt"),
        ("media/unlisted.txt", None),
        ("media/sub\\..\\..\\..\\escaped.txt", "sub\\..\\..\\..\\escaped.txt"),
    ],
)
def test_members_outside_the_manifest_or_media_are_refused_before_anything_is_written(
    backed_up, tmp_path, member, listed_as
):
    member = member.format(tmp=tmp_path.as_posix())
    _, info = contents(backed_up)
    payload = b"written outside MEDIA_ROOT"
    if listed_as is not None:
        info["files"][listed_as.format(tmp=tmp_path.as_posix())] = hashlib.sha256(payload).hexdigest()
    slipped = rewrite(backed_up, tmp_path / "slip.zip", info=info, extra={member: payload})
    before, files = manifest()["tables"], tree(tmp_path)

    with pytest.raises(CommandError, match="未做任何修改"):
        call_command("restore", str(slipped), "--replace")

    assert manifest()["tables"] == before
    assert tree(tmp_path) == files
    assert not (tmp_path / "escaped.txt").exists()


def test_an_uploaded_file_edited_after_the_backup_is_refused_before_the_database_is_touched(
    backed_up, tmp_path, media
):
    _, info = contents(backed_up)
    [name] = [n for n in info["files"] if n.endswith(".pdf")]
    with zipfile.ZipFile(backed_up) as old, zipfile.ZipFile(tmp_path / "edited.zip", "w") as new:
        for entry in old.infolist():
            new.writestr(entry, b"%PDF-1.4 forged" if entry.filename == f"media/{name}" else old.read(entry))
    before, files = manifest()["tables"], tree(tmp_path)

    with pytest.raises(CommandError, match=re.escape(f"文件 media/{name} 与清单校验值不符")):
        call_command("restore", str(tmp_path / "edited.zip"), "--replace")

    assert manifest()["tables"] == before
    assert tree(tmp_path) == files


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("GREENLIST_RESTORE_MAX_MEMBER_BYTES", "超过单个成员上限"),
        ("GREENLIST_RESTORE_MAX_TOTAL_BYTES", "超过上限"),
    ],
)
def test_a_backup_over_the_size_limits_is_refused_before_extracting(
    backed_up, tmp_path, settings, setting, message
):
    with zipfile.ZipFile(backed_up) as archive:
        sizes = [e.file_size for e in archive.infolist()]
    # Just below what this backup needs: the largest member, or all of them together.
    setattr(settings, setting, (max(sizes) if setting.endswith("MEMBER_BYTES") else sum(sizes)) - 1)
    before, files = manifest()["tables"], tree(tmp_path)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(backed_up), "--replace")

    assert manifest()["tables"] == before
    assert tree(tmp_path) == files


def test_an_old_manifest_from_another_database_is_refused(backed_up, tmp_path):
    _, info = contents(backed_up)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    del info["checksum"]
    old = rewrite(backed_up, tmp_path / "old.zip", info={**info, "database": other})
    before = manifest()["tables"]

    with pytest.raises(CommandError, match=f"旧版本在 {other} 上生成"):
        call_command("restore", str(old), "--replace")

    assert manifest()["tables"] == before


def test_a_good_backup_restores_over_existing_data_with_its_files(personas, backed_up, tmp_path, media):
    _, info = contents(backed_up)
    expected = manifest()["tables"]
    with unscoped():
        make_org("唐山市", "唐山备份后新增公司")
    uploaded = tree(media)
    (tmp_path / "site").rename(tmp_path / "old-site")

    call_command("restore", str(backed_up), "--replace")

    assert manifest()["tables"] == expected == info["tables"]
    assert tree(media) == uploaded
    assert list(verify()) == []
    with unscoped():
        assert not Organisation.objects.filter(name="唐山备份后新增公司").exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="从 SQLite 备份恢复到 PostgreSQL")
def test_a_backup_made_on_sqlite_restores_into_postgresql_and_verifies(db, tmp_path, media):
    """A real SQLite installation (the demo data: JSON details, decimals, uploads) backed up by the
    command line, then restored here."""
    home = tmp_path / "sqlite-site"
    home.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{home / 'greenlist.sqlite3'}",
        "MEDIA_ROOT": str(home / "media"),
        "GREENLIST_HOME": str(home),
        "PYTHONPATH": str(Path(greenlist.__file__).parents[1]),
    }
    for command in (["migrate", "-v0"], ["demo"], ["backup", str(tmp_path / "sqlite.zip")]):
        subprocess.run(
            [sys.executable, "-m", "greenlist", *command], env=env, cwd=home, check=True, capture_output=True
        )
    _, info = contents(tmp_path / "sqlite.zip")
    assert info["database"] == "sqlite"
    assert any(table["rows"] for table in info["tables"].values())

    call_command("restore", str(tmp_path / "sqlite.zip"))

    assert manifest()["tables"] == info["tables"]
    assert list(verify()) == []
    assert tree(media) == tree(home / "media")
