"""通知四 "word或WPS版": R1 accepts .docx, .doc and .wps; R2 reads the binary formats after a
LibreOffice conversion, and says when it cannot. The binary file is made by LibreOffice itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from greenlist.campaign.models import Attachment, ExperienceReport
from greenlist.documents import UploadRefused, inspect_upload
from greenlist.documents.convert import converter
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from tests.documents.helpers import good_report, one_picture_each, report_docx

needs_libreoffice = pytest.mark.skipif(converter() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def word_97(tmp_path_factory) -> bytes:
    """A good report saved as Word 97-2003 by LibreOffice."""
    program = converter()
    if program is None:
        pytest.skip("LibreOffice is not installed: no .doc can be made")
    folder = tmp_path_factory.mktemp("doc")
    report = good_report()
    (folder / "report.docx").write_bytes(report_docx(report, pictures=one_picture_each(report)))
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(folder),
            str(folder / "report.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return Path(folder / "report.doc").read_bytes()


def test_a_word_97_file_is_a_doc_and_accepted_only_where_doc_is(word_97):
    assert inspect_upload("经验.wps", word_97, {"docx", "doc"}, 10 * 1024 * 1024) == "doc"
    with pytest.raises(UploadRefused, match="Word 97-2003 或 WPS 文档"):
        inspect_upload("经验.doc", word_97, {"docx"}, 10 * 1024 * 1024)


def test_a_password_protected_word_97_file_is_refused(word_97):
    # FIB flags (WordDocument stream offset 10): fEncrypted. The stream starts at a sector of the
    # compound file; find it by its magic number (wIdent 0xA5EC) after the header sector.
    data = bytearray(word_97)
    start = data.index(b"\xec\xa5", 512)
    data[start + 11] |= 0x01
    with pytest.raises(UploadRefused, match="已加密"):
        inspect_upload("经验.doc", bytes(data), {"doc"}, 10 * 1024 * 1024)


@needs_libreoffice
def test_an_uploaded_doc_is_converted_and_checked_like_a_docx(personas, word_97):
    client = personas.client(personas.applicant_x)
    client.post(
        f"/applications/{personas.app_x.pk}/report/", {"upload": SimpleUploadedFile("经验.doc", word_97)}
    )
    with unscoped():
        stored = ExperienceReport.objects.get(application=personas.app_x)
        assert (
            Attachment.objects.get(application=personas.app_x, kind="experience_report").content_type == "doc"
        )
    assert (stored.source, stored.title) == ("upload", good_report().title)
    findings = verdicts.stored(personas.app_x.batch).result.by_key()[str(personas.app_x.pk)].findings
    assert [f.message for f in findings if f.rule == "R2"] == []


def test_without_libreoffice_the_doc_is_kept_and_r2_says_it_cannot_check(
    personas, word_97, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the path
    client = personas.client(personas.applicant_x)
    page = client.post(
        f"/applications/{personas.app_x.pk}/report/",
        {"upload": SimpleUploadedFile("经验.wps", word_97)},
        follow=True,
    ).content.decode()
    assert "未能核查" in page
    with unscoped():
        stored = ExperienceReport.objects.get(application=personas.app_x)
    assert stored.source == "unchecked"
    findings = verdicts.stored(personas.app_x.batch).result.by_key()[str(personas.app_x.pk)].findings
    r2 = [f for f in findings if f.rule == "R2"]
    assert [(f.effect.value, f.evidence) for f in r2] == [("warn", {"checked": False})]
    assert [f.rule for f in findings if f.rule == "R1"] == ["R1"]  # only the evaluation report is missing
