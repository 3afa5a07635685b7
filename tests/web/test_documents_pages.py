from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Attachment, ExperienceReport
from greenlist.scoping import unscoped
from tests.documents.helpers import good_report, one_picture_each, png, report_docx, text


def docx_text(response: Any) -> str:
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_a_city_gets_each_document_with_one_click(personas):
    client = personas.client(personas.city_a)
    page = client.get("/documents/").content.decode()
    assert "附件1" in page and "材料包" in page
    docx = client.get("/documents/summary-table.docx")
    assert docx["Content-Disposition"].startswith("attachment;")
    assert "石家庄市2024年度国家绿色制造名单推荐汇总表" in "".join(
        p.text for p in Document(io.BytesIO(docx.content)).paragraphs
    )
    letter = docx_text(client.get("/documents/letter.docx"))
    assert "关于推荐2024年度国家绿色制造名单的报告" in letter and "石家庄市工业和信息化局" in letter
    assert client.get("/documents/pack.zip").content[:2] == b"PK"


def test_the_province_picks_a_unit_or_the_whole_province(personas):
    client = personas.client(personas.province)
    whole = client.get("/documents/summary-table.docx")
    assert "河北省2024年度" in "".join(p.text for p in Document(io.BytesIO(whole.content)).paragraphs)
    assert client.get("/documents/letter.docx").status_code == 404  # a letter is per unit
    letter = docx_text(client.get("/documents/letter.docx?unit=tangshan"))
    assert "组织开展了唐山市2024年度" in letter and "唐山市工业和信息化局" in letter


@pytest.mark.parametrize("who", ["applicant_x", "evaluator", "dept_a"])
def test_documents_are_refused_to_other_roles(personas, who):
    assert personas.client(getattr(personas, who)).get("/documents/pack.zip").status_code == 403


def form_for(report) -> dict[str, str]:
    data = {
        "inspiration": report.inspiration,
        "title": report.title,
        "introduction": report.introduction,
        "practices": report.practices,
        "next_steps": report.next_steps,
    }
    for n, (title, body, _) in enumerate(report.highlights, start=1):
        data[f"highlight{n}_title"] = title
        data[f"highlight{n}_body"] = body
    return data


def test_the_applicant_writes_its_report_and_sees_each_breach(personas):
    client = personas.client(personas.applicant_x)
    url = f"/applications/{personas.app_x.pk}/report/"
    data = form_for(good_report(inspiration=text(51)))
    page = client.post(url, data, follow=True).content.decode()
    assert "示范启示" in page and "51" in page and "R2" in page  # too long, and no pictures yet
    assert 'data-max="50"' in page  # the live counter knows the limit
    pictures = {
        f"highlight{n}_pictures": SimpleUploadedFile(f"p{n}.png", png(), "image/png") for n in (1, 2, 3)
    }
    client.post(url, {**form_for(good_report()), **pictures})
    page = client.get(url).content.decode()
    assert "各项均符合编制大纲要求" in page
    with unscoped():
        assert Attachment.objects.filter(application=personas.app_x, kind="picture").count() == 3
        assert AuditEvent.objects.filter(action=Action.ATTACHMENT_UPLOADED).count() == 3
    generated = client.get(f"/applications/{personas.app_x.pk}/report.docx")
    document = Document(io.BytesIO(generated.content))
    assert len(document.inline_shapes) == 3
    assert any(p.text.startswith("示范启示") for p in document.paragraphs)


def test_an_uploaded_word_report_is_read_and_checked(personas):
    client = personas.client(personas.applicant_x)
    report = good_report()
    data = report_docx(report, pictures=one_picture_each(report))
    client.post(
        f"/applications/{personas.app_x.pk}/report/", {"upload": SimpleUploadedFile("经验.docx", data)}
    )
    with unscoped():
        stored = ExperienceReport.objects.get(application=personas.app_x)
    assert stored.source == "upload" and stored.title == report.title
    assert [h["embedded_pictures"] for h in stored.highlights] == [1, 1, 1]


def test_a_picture_that_is_not_a_picture_is_refused_in_chinese(personas):
    client = personas.client(personas.applicant_x)
    fake = SimpleUploadedFile("p1.png", b"%PDF-1.7 not an image", "image/png")
    page = client.post(
        f"/applications/{personas.app_x.pk}/report/",
        {**form_for(good_report()), "highlight1_pictures": fake},
        follow=True,
    ).content.decode()
    assert "PDF" in page
    with unscoped():
        assert not Attachment.objects.filter(application=personas.app_x).exists()


def test_only_the_applicant_edits_its_report(personas):
    url = f"/applications/{personas.app_x.pk}/report/"
    assert personas.client(personas.city_a).post(url, form_for(good_report())).status_code == 403
    assert personas.client(personas.applicant_y).get(url).status_code == 404


def test_the_evaluator_uploads_the_evaluation_report_checked_by_content(personas):
    client = personas.client(personas.evaluator)
    url = f"/applications/{personas.app_x.pk}/attachments/"
    page = client.post(
        url, {"kind": "evaluation_report", "file": SimpleUploadedFile("报告.pdf", png())}, follow=True
    ).content.decode()
    # A picture named .pdf is refused, with the reason: what the bytes are and what is accepted.
    assert "文件内容为 PNG 图片，但此处只接受" in page
    client.post(
        url, {"kind": "evaluation_report", "file": SimpleUploadedFile("报告.pdf", b"%PDF-1.7\n%%EOF\n")}
    )
    with unscoped():
        stored = Attachment.objects.get(application=personas.app_x)
    assert (stored.kind, stored.content_type, stored.uploaded_by) == (
        "evaluation_report",
        "pdf",
        personas.evaluator,
    )
    download = personas.client(personas.city_a).get(f"{url}{stored.pk}/")
    assert download.content.startswith(b"%PDF") and download["Content-Disposition"].startswith("attachment;")
