"""Uploads (checked by content) and the typical experience report (附件2), each change audited."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from django.db import transaction

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign import workflow
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application, Attachment, ExperienceReport
from greenlist.documents import (
    REPORT_MAX_BYTES,
    UploadRefused,
    experience_report_docx,
    inspect_upload,
    stored,
)
from greenlist.documents import read_experience_report as parse_docx
from greenlist.documents.convert import to_docx
from greenlist.rules import report as rules_report

# What each kind of attachment may be, and how large (checked on the bytes, not the file name).
ALLOWED = {
    Attachment.Kind.EVALUATION_REPORT: ({"pdf", "docx"}, 50 * 1024 * 1024),
    # 通知四: "word或WPS版": .docx, and binary Word/WPS (.doc, .wps), converted for R2 where possible.
    Attachment.Kind.EXPERIENCE_REPORT: ({"docx", "doc"}, REPORT_MAX_BYTES),
    Attachment.Kind.PICTURE: ({"png", "jpeg"}, 5 * 1024 * 1024),
    Attachment.Kind.OTHER: ({"pdf", "docx", "xlsx", "png", "jpeg"}, 50 * 1024 * 1024),
    Attachment.Kind.EVIDENCE: ({"pdf", "docx", "xlsx", "png", "jpeg"}, 50 * 1024 * 1024),
}
HIGHLIGHTS = 3
UNCHECKED = "unchecked"  # ExperienceReport.source of an upload that could not be read (R2 says so)


def _may_edit(application: Application, actor: User) -> None:
    owner = actor.role == Role.APPLICANT and actor.organisation_id == application.organisation_id
    evaluator = actor.role == Role.EVALUATOR and actor.evaluator_id == application.evaluator_id
    if not (owner or evaluator):
        raise ActionRefused("只有申报单位本身（或其第三方评价机构上传评价报告）可以上传材料。")
    if application.state not in workflow.EDITABLE_STATES:
        raise ActionRefused("申报已提交，材料不能再修改；如需修改请联系推荐单位退回。")


def attach(
    application: Application,
    *,
    kind: str,
    name: str,
    data: bytes | IO[bytes],
    actor: User,
    slot: int | None = None,
    caption: str = "",
    indicator: str = "",
) -> Attachment:
    """Store one upload after checking its content. Side effects: a file, an attachment row, one
    audit event. Raises :class:`ActionRefused` (why, in Chinese) and stores nothing otherwise.

    ``data`` is bytes or a seekable file (an upload Django streamed to disk is never read whole)."""
    _may_edit(application, actor)
    if actor.role == Role.EVALUATOR and kind != Attachment.Kind.EVALUATION_REPORT:
        raise ActionRefused("第三方评价机构只能上传评价报告。")
    allowed, limit = ALLOWED[Attachment.Kind(kind)]
    try:
        detected = inspect_upload(name, data, allowed, limit)
    except UploadRefused as refusal:
        raise ActionRefused(str(refusal)) from refusal
    if kind == Attachment.Kind.PICTURE and slot not in range(1, HIGHLIGHTS + 1):
        raise ActionRefused("图片须对应亮点一至亮点三之一。")
    content = stored.as_file(data)
    digest, size = stored.digest(content)
    with transaction.atomic():
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=name[:200],
            sha256=digest,
            size=size,
            content_type=detected,
            uploaded_by=actor,
            slot=slot,
            caption=caption[:100],
            indicator=indicator[:20],
        )
        attachment.file.save(f"{digest[:16]}.{detected}", content, save=False)
        attachment.save()
        record(
            actor=actor,
            action=Action.ATTACHMENT_UPLOADED,
            obj=application,
            unit=application.unit,
            details={
                "kind": kind,
                "name": name,
                "sha256": digest,
                "type": detected,
                "slot": slot,
                **({"indicator": indicator} if indicator else {}),
            },
        )
    return attachment


def picture_counts(application: Application) -> Counter[int]:
    slots = Attachment.unscoped.filter(
        application=application, kind=Attachment.Kind.PICTURE, slot__isnull=False
    )
    return Counter(slot for slot in slots.values_list("slot", flat=True) if slot is not None)


def to_rules(report: ExperienceReport, pictures: Counter[int]) -> rules_report.ExperienceReport:
    highlights = []
    for index in range(HIGHLIGHTS):
        item = report.highlights[index] if index < len(report.highlights) else {}
        if not item and index >= len(report.highlights) and report.source == "upload":
            continue  # an uploaded report with fewer highlights: R2 reports the count
        highlights.append(
            rules_report.Highlight(
                str(item.get("title", "")),
                str(item.get("body", "")),
                int(item.get("embedded_pictures", 0)) + pictures[index + 1],
            )
        )
    return rules_report.ExperienceReport(
        inspiration=report.inspiration,
        title=report.title,
        introduction=report.introduction,
        practices=report.practices,
        highlights=highlights,
        next_steps=report.next_steps,
        checkable=report.source != UNCHECKED,
    )


def save_report(application: Application, fields: dict[str, Any], *, actor: User) -> ExperienceReport:
    """Save the structured report from the form. Side effects: the report row, one audit event."""
    if actor.role != Role.APPLICANT:
        raise ActionRefused("典型经验报告由申报单位填写。")
    _may_edit(application, actor)
    highlights = [
        {
            "title": fields.get(f"highlight{i}_title", "").strip(),
            "body": fields.get(f"highlight{i}_body", "").strip(),
            "embedded_pictures": 0,
        }
        for i in range(1, HIGHLIGHTS + 1)
    ]
    with transaction.atomic():
        report, _ = ExperienceReport.unscoped.update_or_create(
            application=application,
            defaults={
                "inspiration": fields.get("inspiration", "").strip(),
                "title": fields.get("title", "").strip(),
                "introduction": fields.get("introduction", "").strip(),
                "practices": fields.get("practices", "").strip(),
                "next_steps": fields.get("next_steps", "").strip(),
                "highlights": highlights,
                "source": "form",
            },
        )
        record(
            actor=actor,
            action=Action.APPLICATION_UPDATED,
            obj=application,
            unit=application.unit,
            reason="填写典型经验报告",
            details={"experience_report": "form"},
        )
    return report


def import_report(
    application: Application, *, name: str, data: bytes | IO[bytes], actor: User
) -> ExperienceReport:
    """Read an uploaded report written elsewhere into the structured report, and keep the file.

    通知四 asks for the report "word或WPS版": a .docx is read directly; a .doc or .wps is converted
    with LibreOffice where it is installed (and the result passes the .docx checks). Without
    LibreOffice the file is kept and the report is marked unchecked: R2 then says it cannot check.
    """
    if actor.role != Role.APPLICANT:
        raise ActionRefused("典型经验报告由申报单位上传。")
    with transaction.atomic():
        attachment = attach(
            application, kind=Attachment.Kind.EXPERIENCE_REPORT, name=name, data=data, actor=actor
        )
        if not isinstance(data, bytes):  # an upload: inspected and kept above, read once here
            data.seek(0)
            data = data.read()
        readable: bytes | None = data
        if attachment.content_type == "doc":
            readable = to_docx(data)
            if readable is not None:
                try:
                    inspect_upload(name, readable, {"docx"}, REPORT_MAX_BYTES * 4)
                except UploadRefused as refusal:
                    raise ActionRefused(f"转换后的文档未通过检查：{refusal}") from refusal
        if readable is None:
            report, _ = ExperienceReport.unscoped.update_or_create(
                application=application,
                defaults={
                    "inspiration": "",
                    "title": "",
                    "introduction": "",
                    "practices": "",
                    "next_steps": "",
                    "highlights": [],
                    "source": UNCHECKED,
                },
            )
            return report
        parsed = parse_docx(readable)
        highlights = [{"title": h[0], "body": h[1], "embedded_pictures": h[2]} for h in parsed.highlights]
        report, _ = ExperienceReport.unscoped.update_or_create(
            application=application,
            defaults={
                "inspiration": parsed.inspiration,
                "title": parsed.title,
                "introduction": parsed.introduction,
                "practices": parsed.practices,
                "next_steps": parsed.next_steps,
                "highlights": highlights,
                "source": "upload",
            },
        )
        # Pictures now live inside the uploaded document.
        Attachment.unscoped.filter(application=application, kind=Attachment.Kind.PICTURE).delete()
    return report


def report_docx(application: Application) -> bytes:
    """The report as Word, in the outline's order, with the uploaded pictures embedded."""
    report = ExperienceReport.unscoped.get(application=application)
    pictures: list[list[tuple[bytes, str]]] = [[] for _ in range(HIGHLIGHTS)]
    for picture in Attachment.unscoped.filter(application=application, kind=Attachment.Kind.PICTURE).order_by(
        "id"
    ):
        if picture.slot and 1 <= picture.slot <= HIGHLIGHTS:
            with picture.file.open("rb") as handle:
                pictures[picture.slot - 1].append((handle.read(), picture.caption))
    return experience_report_docx(
        application.organisation.name, application.category, to_rules(report, Counter()), pictures
    )
