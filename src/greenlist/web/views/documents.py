"""One click per official document: 附件1 (.docx/.xlsx), the letter, the pack; and the applicant's
typical experience report (附件2) form, uploads and Word file."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.attachments import (
    HIGHLIGHTS,
    UNCHECKED,
    attach,
    import_report,
    picture_counts,
    report_docx,
    save_report,
)
from greenlist.campaign.evidence import attach_evidence
from greenlist.campaign.models import Attachment, ExperienceReport
from greenlist.decisions.documents import (
    letter,
    letter_file_name,
    pack,
    recommended,
    summary_file_name,
    summary_table_file,
)
from greenlist.documents import READING_RULES, check_report
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.report import r2_report_limits
from greenlist.rules.vocabulary import Category
from greenlist.web.access import get_application
from greenlist.web.views.common import current_batch, require_roles, user_of

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


def download(data: bytes, filename: str) -> HttpResponse:
    """Always as an attachment with the detected type: stored uploads are never shown inline."""
    kind = filename.rsplit(".", 1)[-1]
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _unit_for(request: HttpRequest) -> RecommendingUnit | None:
    """The city's own unit; for the province, ``?unit=CODE`` or None (province-wide)."""
    user = user_of(request)
    if user.is_province:
        code = request.GET.get("unit", "")
        if not code:
            return None
        unit = RecommendingUnit.objects.filter(code=code).first()
        if unit is None:
            raise Http404("推荐单位不存在。")
        return unit
    return user.unit


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.PROVINCE)
    batch = current_batch(request)
    unit = _unit_for(request)
    return render(
        request,
        "web/documents.html",
        {
            "batch": batch,
            "unit": unit,
            "units": RecommendingUnit.objects.all() if user.is_province else [],
            "rows": recommended(batch, unit),
            "query": f"?unit={unit.code}" if unit and user.is_province else "",
        },
    )


@login_required
def document_file(request: HttpRequest, name: str) -> HttpResponse:
    require_roles(request, Role.CITY, Role.PROVINCE)
    batch = current_batch(request)
    unit = _unit_for(request)
    title = unit.name if unit else "全省"
    if name in ("summary-table.docx", "summary-table.xlsx"):
        kind = name.rsplit(".", 1)[1]
        return download(summary_table_file(batch, unit, kind), summary_file_name(batch, title, kind))
    if name == "letter.docx":
        if unit is None:
            raise Http404("推荐意见按推荐单位生成，请先选择推荐单位。")
        return download(letter(batch, unit), letter_file_name(batch, unit))
    if name == "pack.zip":
        return download(pack(batch, unit), f"{title}{batch.code}年度国家绿色制造名单报送材料.zip")
    raise Http404("文件不存在。")


@login_required
def experience_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    application = get_application(request, pk)
    report = ExperienceReport.objects.filter(application=application).first()
    if request.method == "POST":
        require_roles(request, Role.APPLICANT)
        try:
            if "upload" in request.FILES:
                upload = request.FILES.get("upload")
                assert upload is not None
                imported = import_report(
                    application, name=upload.name or "report.docx", data=upload, actor=user
                )
                if imported.source == UNCHECKED:
                    messages.warning(
                        request,
                        "已保存上传的典型经验报告。本系统无法转换 .doc/.wps 文件（未安装 LibreOffice），"
                        "篇幅要求未能核查；请上传 .docx 版本，或由推荐单位人工核对。",
                    )
                else:
                    messages.success(request, "已读取上传的典型经验报告，请核对以下各项。")
            else:
                save_report(application, request.POST.dict(), actor=user)
                for slot in range(1, HIGHLIGHTS + 1):
                    for picture in request.FILES.getlist(f"highlight{slot}_pictures"):
                        attach(
                            application,
                            kind=Attachment.Kind.PICTURE,
                            name=picture.name or "picture",
                            data=picture,
                            actor=user,
                            slot=slot,
                            caption=request.POST.get(f"highlight{slot}_caption", ""),
                        )
                messages.success(request, "典型经验报告已保存。")
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("experience_report", pk=pk)
    breaches = []
    if report is not None:
        from greenlist.campaign.attachments import to_rules

        breaches = r2_report_limits(
            application.batch.parameters,
            to_rules(report, picture_counts(application)),
            Category(application.category),
        )
    limits = application.batch.parameters.report_limits
    highlights = list(report.highlights if report else [])
    highlights += [{}] * (HIGHLIGHTS - len(highlights))
    pictures = picture_counts(application)
    return render(
        request,
        "web/experience_report.html",
        {
            "application": application,
            "report": report,
            "breaches": breaches,
            "limits": limits,
            "introduction_max": limits.introduction_max.get(application.category, 200),
            "highlights": [
                (i + 1, h, pictures[i + 1] + int(h.get("embedded_pictures", 0)))
                for i, h in enumerate(highlights[:HIGHLIGHTS])
            ],
            "reading_rules": READING_RULES,
            "rule_texts": application.batch.parameters.rules,
            "can_edit": user.role == Role.APPLICANT and application.state in ("draft", "returned"),
        },
    )


@login_required
def experience_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application(request, pk)
    if not ExperienceReport.objects.filter(application=application).exists():
        raise Http404("尚未填写典型经验报告。")
    return download(report_docx(application), f"{application.organisation.name}典型经验报告.docx")


@login_required
@require_POST
def check_uploaded_report(request: HttpRequest) -> HttpResponse:
    """Check a .docx written elsewhere against R2 without saving it (anyone signed in)."""
    upload = request.FILES.get("file")
    category = request.POST.get("category", "factory")
    if upload is None or category not in ("factory", "park", "supply_chain"):
        return render(request, "web/_report_check.html", {"error": "请选择 .docx 文件和申报类别。"})
    from greenlist.documents import UploadRefused

    try:
        result = check_report(upload, category, current_batch(request).parameters)
    except UploadRefused as refusal:
        return render(request, "web/_report_check.html", {"error": str(refusal)})
    return render(request, "web/_report_check.html", {"result": result})


@login_required
@require_POST
def upload_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant (or its evaluator) uploads the evaluation report or other material."""
    user = require_roles(request, Role.APPLICANT, Role.EVALUATOR)
    application = get_application(request, pk)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", Attachment.Kind.EVALUATION_REPORT)
    kinds = (Attachment.Kind.EVALUATION_REPORT, Attachment.Kind.OTHER, Attachment.Kind.EVIDENCE)
    if upload is None or kind not in kinds:
        messages.error(request, "请选择文件和材料类型。")
    else:
        name = upload.name or "file"
        try:
            if kind == Attachment.Kind.EVIDENCE:
                indicator = request.POST.get("indicator", "")
                attach_evidence(application, indicator=indicator, name=name, data=upload, actor=user)
            else:
                attach(application, kind=kind, name=name, data=upload, actor=user)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"已上传“{upload.name}”。")
    if kind == Attachment.Kind.EVIDENCE:  # evidence is uploaded on the indicator page
        return redirect("indicators", pk=pk)
    return redirect("application_detail", pk=pk)


@login_required
def attachment_file(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    application = get_application(request, pk)
    item = Attachment.objects.filter(pk=attachment_id, application=application).first()
    if item is None:
        raise Http404("材料不存在。")
    with item.file.open("rb") as handle:
        return download(handle.read(), item.original_name)
