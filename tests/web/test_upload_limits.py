"""Finding 6 of issue 15 through the pages and the API: every upload path refuses the hostile files
with the same Chinese reason and changes nothing; an oversized body is refused by its
Content-Length before it is read. The limits are lowered here so the files stay small; the
full-size files are in tests/documents/test_bounded_memory.py."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.audit.models import AuditEvent
from greenlist.campaign.models import Attachment, Job
from greenlist.scoping import unscoped
from tests.documents.bombs import docx_with_document_xml, xlsx_with_shared_strings, zip_with_members

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.GREENLIST_UPLOAD_LIMITS = {
        **getattr(settings, "GREENLIST_UPLOAD_LIMITS", {}),
        "max_document_xml": MB,
        "max_shared_strings": 500,
        "max_members": 40,
    }


# (builder, what the refusal says)
BOMBS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "document-xml": (lambda folder: docx_with_document_xml(folder / "报告.docx", 4 * MB), "文档正文"),
    "shared-strings": (lambda folder: xlsx_with_shared_strings(folder / "负面记录.xlsx", 2000), "共享字符串"),
    "members": (lambda folder: zip_with_members(folder / "负面记录.xlsx", 100), "文件过多"),
}


def changes() -> tuple[int, int, int]:
    with unscoped():
        return Attachment.objects.count(), Job.objects.count(), AuditEvent.objects.count()


def page_text(response: Any) -> str:
    return response.content.decode()


def post_report_check(personas: Any, path: Path) -> str:
    client = personas.client(personas.applicant_y)
    with path.open("rb") as handle:
        return page_text(client.post("/report-check/", {"file": handle, "category": "factory"}))


def post_attachment(personas: Any, path: Path) -> str:
    client = personas.client(personas.applicant_x)
    with path.open("rb") as handle:
        response = client.post(
            f"/applications/{personas.app_x.pk}/attachments/", {"file": handle, "kind": "other"}, follow=True
        )
    return page_text(response)


def post_import(personas: Any, path: Path) -> str:
    client = personas.client(personas.city_a)
    with path.open("rb") as handle:
        return page_text(client.post("/import/", {"file": handle}))


def post_api(personas: Any, path: Path) -> str:
    client = personas.api_client
    with path.open("rb") as handle:
        response = client.post("/api/workbooks", {"file": handle})
    assert response.status_code == 400
    return str(response.json()["detail"])


PATHS = {
    "report-check": post_report_check,
    "attachment": post_attachment,
    "import": post_import,
    "api": post_api,
}


@pytest.mark.parametrize(
    ("bomb", "path"),
    [
        ("document-xml", "report-check"),
        ("document-xml", "attachment"),
        ("shared-strings", "attachment"),
        ("shared-strings", "import"),
        ("shared-strings", "api"),
        ("members", "report-check"),
        ("members", "attachment"),
        ("members", "import"),
        ("members", "api"),
    ],
)
def test_every_upload_path_refuses_the_bombs_and_changes_nothing(
    personas: Any, tmp_path: Path, bomb: str, path: str
) -> None:
    build, reason = BOMBS[bomb]
    upload = build(tmp_path)
    # Issuing the token is audited: done before counting what the upload changes.
    personas.api_client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(personas.city_a, 'test')}")
    before = changes()
    text = PATHS[path](personas, upload)
    assert reason in text
    assert "超过上限" in text
    assert changes() == before


def test_the_report_check_names_the_limit_and_the_fix(personas: Any, tmp_path: Path) -> None:
    text = post_report_check(personas, docx_with_document_xml(tmp_path / "报告.docx", 4 * MB))
    assert "文档正文（word/document.xml）解压后为" in text
    assert "超过上限 1 MB" in text
    assert "拆分后重新上传" in text


class Unread(io.RawIOBase):
    """A request body that counts how much of it was read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.read_bytes += len(buffer)
        buffer[: len(buffer)] = b"\0" * len(buffer)
        return len(buffer)


def post_declared(client: Client, url: str, length: int, body: Unread) -> Any:
    return client.generic(
        "POST",
        url,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE="multipart/form-data; boundary=greenlist",
        **{"wsgi.input": body},
    )


def test_an_oversized_body_is_refused_by_its_length_before_it_is_read(personas: Any) -> None:
    body = Unread()
    before = changes()
    response = post_declared(
        personas.client(personas.applicant_x),
        f"/applications/{personas.app_x.pk}/attachments/",
        300 * MB,
        body,
    )
    assert response.status_code == 413
    assert "超过此处上限" in page_text(response)
    assert body.read_bytes == 0
    assert changes() == before


def test_the_report_check_takes_less_than_an_attachment(personas: Any) -> None:
    body = Unread()
    response = post_declared(personas.client(personas.applicant_x), "/report-check/", 30 * MB, body)
    assert response.status_code == 413
    assert "上限 21 MB" in page_text(response)
    assert body.read_bytes == 0


def test_the_api_refuses_an_oversized_body_with_json(personas: Any) -> None:
    body = Unread()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(personas.province, 'test')}")
    response = post_declared(client, "/api/workbooks", 500 * MB, body)
    assert response.status_code == 413
    assert "超过此处上限" in response.json()["detail"]
    assert body.read_bytes == 0


def test_a_large_upload_streams_to_disk_and_is_stored_whole(personas: Any, settings: Any) -> None:
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < 3 * MB
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * (3 * MB // 256) + b"\n%%EOF\n"
    client = personas.client(personas.applicant_x)
    response = client.post(
        f"/applications/{personas.app_x.pk}/attachments/",
        {"file": io.BytesIO(pdf), "kind": "evaluation_report"},
    )
    assert response.status_code == 302
    with unscoped():
        stored = Attachment.objects.get(application=personas.app_x)
    assert stored.size == len(pdf)
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
    with stored.file.open("rb") as handle:
        assert handle.read() == pdf


@pytest.mark.django_db(transaction=True)
def test_a_real_server_answers_413_without_waiting_for_the_body(live_server: Any) -> None:
    """Over a socket: the headers announce 300 MB and no byte of body follows; the answer comes."""
    connection = http.client.HTTPConnection(live_server.thread.host, live_server.thread.port, timeout=15)
    connection.putrequest("POST", "/api/workbooks")
    connection.putheader("Content-Type", "multipart/form-data; boundary=greenlist")
    connection.putheader("Content-Length", str(300 * MB))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert "超过此处上限" in json.loads(response.read().decode())["detail"]
    connection.close()
