from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from greenlist.audit.log import verify
from greenlist.campaign.models import Attachment
from greenlist.decisions.transitions import transition
from greenlist.ops.backup import manifest
from greenlist.scoping import unscoped
from tests.documents.helpers import png

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_and_restore_round_trip_records_uploads_and_the_audit_chain(personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    transition(personas.app_x, "submitted", actor=personas.applicant_x)
    personas.client(personas.applicant_y).post(
        f"/applications/{personas.app_y.pk}/report/",
        {"highlight1_pictures": SimpleUploadedFile("a.png", png(), "image/png"), "title": "标题"},
    )
    with unscoped():
        picture = Attachment.objects.get()
        picture_bytes = picture.file.read()
    before = manifest()
    assert before["tables"]["audit.AuditEvent"]["rows"] >= 3
    call_command("backup", str(tmp_path / "b.zip"))
    with pytest.raises(CommandError, match="目标数据库已有数据"):
        call_command("restore", str(tmp_path / "b.zip"))

    call_command("flush", "--no-input")
    (tmp_path / "media").rename(tmp_path / "old-media")
    call_command("restore", str(tmp_path / "b.zip"))
    after = manifest()
    assert after["tables"] == before["tables"]
    assert list(verify()) == []
    with unscoped():
        assert Attachment.objects.get().file.read() == picture_bytes


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "x.zip"
    bogus.write_bytes(b"nothing")
    with pytest.raises(CommandError, match="不是 greenlist 备份文件"):
        call_command("restore", str(bogus))


def test_every_table_of_the_product_is_in_the_backup() -> None:
    # A new app's rows (filings, expert reviews…) must travel with the rest, or a restore loses them
    # and leaves foreign keys pointing at rows it replaced.
    from django.apps import apps

    from greenlist.ops.backup import tracked_models

    ours = {
        m
        for m in apps.get_models()
        if m.__module__.startswith("greenlist.") and not m._meta.proxy and m._meta.managed
    }
    assert ours - set(tracked_models()) == set()
