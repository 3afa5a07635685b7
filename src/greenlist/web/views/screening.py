"""Screening, the rule catalogue and the exchange workbook pages (city and province)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.deadline import batch_deadline, unit_deadline
from greenlist.campaign.models import Application, Batch, Job
from greenlist.documents.uploads import UploadLimits, UploadRefused, inspect_upload
from greenlist.exchange import progress
from greenlist.exchange.jobs import JobError, retry, start_import
from greenlist.exchange.sheets import BY_NAME, sheets_for
from greenlist.exchange.templates import csv_bytes, workbook_bytes
from greenlist.rules.catalogue import RULES
from greenlist.rules.relative_bar import a1_explanation
from greenlist.rules.vocabulary import Category, Effect, Method
from greenlist.screening import verdicts
from greenlist.screening.facts import regional_averages
from greenlist.web.export import export_query, wants_xlsx, xlsx_response
from greenlist.web.views.common import current_batch, query_without, require_roles, units_in_view, user_of

PAGE_SIZE = 50  # rows per page: a unit's list at 10,000 applications is hundreds long
EVALUATOR_PAGE_SIZE = 20  # a province's evaluators at 10,000 applications are hundreds


FILTERS = {
    "all": ("全部", lambda r: True),
    "excluded": ("不得推荐", lambda r: not r.eligible),
    "attention": ("有提示或待处理", lambda r: bool(r.of(Effect.WARN, Effect.BLOCK))),
    "eligible": ("可推荐", lambda r: r.eligible),
    "priority": ("优先推荐", lambda r: bool(r.of(Effect.PRIORITY))),
}


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    require_roles(request, Role.CITY, Role.PROVINCE)
    batch = current_batch(request)
    units = units_in_view(request)
    names = [u.name for u in units]
    wanted = request.GET.get("unit", "")
    if wanted:
        if wanted not in names:
            raise Http404("推荐单位不存在或您无权查看。")
        names = [wanted]
    stored = verdicts.stored(batch, unit_names=names)
    result = stored.result
    show = request.GET.get("show", "all")
    category = request.GET.get("category", "")
    test = FILTERS.get(show, FILTERS["all"])[1]
    rows = [
        r for r in result.applications if test(r) and (not category or r.application.category == category)
    ]
    if wants_xlsx(request):
        rule_titles = {spec.id: spec.title for spec in RULES}
        return xlsx_response(
            "筛查结果.xlsx",
            "筛查结果",
            ["统一社会信用代码", "名称", "推荐单位", "申报类别", "筛查结论", "规则", "说明"],
            (
                [
                    r.application.uscc,
                    r.application.name,
                    r.application.unit,
                    Category(r.application.category).label,
                    "可推荐" if r.eligible else "不得推荐",
                    "、".join(f"{f.rule} {rule_titles.get(f.rule, '')}".strip() for f in r.findings),
                    "；".join(f.message for f in r.findings),
                ]
                for r in rows
            ),
        )
    recommended = Counter(
        Application.unscoped.filter(
            batch=batch,
            unit__name__in=names,
            state__in=["city_recommended", "province_recommended", "province_not_recommended"],
        ).values_list("unit__name", "category")
    )
    own_load: dict[str, Counter[str]] = defaultdict(Counter)
    for r in result.applications:
        if r.application.evaluator_uscc:
            own_load[r.application.evaluator_uscc][r.application.unit] += 1
    params = batch.parameters
    now = timezone.now()
    by_name = {u.name: u for u in units}
    # Problems first (not accepted, over the cap), then the most loaded; paged apart from the
    # applications so the page stays small at any size of the batch.
    shown = sorted(
        (e for e in result.evaluators if e.projects or not e.accepted),
        key=lambda e: (e.accepted and e.projects <= e.cap, -e.projects, e.evaluator.name),
    )
    evaluator_page = Paginator(shown, EVALUATOR_PAGE_SIZE).get_page(request.GET.get("epage"))
    evaluator_rows = [
        {
            "result": e,
            "percent": min(100, round(100 * e.projects / e.cap)) if e.cap else 0,
            "here": sum(own_load[e.evaluator.uscc].values()),
            "by_unit": sorted(own_load[e.evaluator.uscc].items()),
        }
        for e in evaluator_page.object_list
    ]
    context: dict[str, Any] = {
        "batch": batch,
        "screening": stored,
        "params": params,
        "units": units,
        "unit": wanted,
        "show": show,
        "category": category,
        "filters": [(key, label) for key, (label, _) in FILTERS.items()],
        "categories": Category.choices(),
        "rows": rows,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without(request),
        "export_query": export_query(request),
        "total": len(result.applications),
        "eligible": sum(1 for r in result.applications if r.eligible),
        "excluded": sum(1 for r in result.applications if not r.eligible),
        "quotas": [
            {
                "result": q,
                "recommended": recommended[(q.unit.name, "factory")],
                "percent": min(100, round(100 * recommended[(q.unit.name, "factory")] / q.quota))
                if q.quota
                else 0,
            }
            for q in result.quotas
        ],
        "evaluators": evaluator_page,
        "evaluator_rows": evaluator_rows,
        "evaluator_query": query_without(request, "epage"),
        "rule_texts": params.rules,
        "quota_on": params.on("Q1"),
        "shape": batch_shape(batch),
        # One deadline source (campaign.deadline): the one unit's in force when one unit is shown
        # (a city, or the province choosing one), else the batch's with how many units were reopened.
        "deadline": unit_deadline(batch, by_name[names[0]], now=now)
        if len(names) == 1 and names[0] in by_name
        else batch_deadline(batch, now=now),
        "reopened_units": sum(
            1 for q in result.quotas if q.unit.reopened_until and q.unit.reopened_until > now
        ),
    }
    return render(request, "web/screening.html", context)


@login_required
def rule_catalogue(request: HttpRequest) -> HttpResponse:
    batch = current_batch(request)
    params = batch.parameters
    rules = [
        {
            "spec": spec,
            "text": params.rules[spec.id],
            "parameters": [
                (name, params.parameter_notes.get(name), params.parameter_confidence.get(name, ""))
                for name in spec.parameters
            ],
        }
        for spec in RULES
        if params.on(spec.id)  # the rules this batch switches on, and only those
    ]
    return render(
        request,
        "web/rules.html",
        {"batch": batch, "params": params, "rules": rules, "shape": batch_shape(batch)},
    )


def batch_shape(batch: Batch) -> dict[str, Any]:
    """What kind of campaign the batch is, in the words the pages show (``_batch_shape.html``)."""
    params = batch.parameters
    kinds = {"national": "国家级名单推荐", "provincial": "省级创建", "review": "现有单位复核（对标）"}
    return {
        "kind": kinds.get(params.kind, params.kind),
        "categories": [Category(code).label for code in params.categories],
        "methods": [Method(code).label for code in params.methods],
        "third_party": params.third_party_allowed,
        "quota": params.on("Q1"),
        "deadlines": params.deadlines,
        "documents": params.documents,
        "bar": params.relative_bar,
        "bar_explanation": a1_explanation(params, regional_averages(batch)),
        "pass_mark": params.pass_mark,
        "routing": params.key_industry_routing,
    }


@login_required
def workbook_import(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.PROVINCE)
    batch = current_batch(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        refusal = _refusal(upload)
        if refusal:
            messages.error(request, refusal)
        else:
            assert upload is not None
            job = start_import(
                name=upload.name or "upload.xlsx",
                chunks=upload.chunks(),
                batch=batch,
                actor=user,
                unit=None if user.is_province else user.unit,
            )
            return redirect("job", pk=job.pk)
    return render(
        request,
        "web/import.html",
        {
            "batch": batch,
            "sheets": list(BY_NAME.values()),
            "province": user.is_province,
            "jobs": Job.objects.filter(created_by=user, kind=Job.Kind.IMPORT)[:10],
        },
    )


def _refusal(upload: UploadedFile | None) -> str:
    """Why the workbook cannot be imported (the upload checks every upload path shares), or ""."""
    if upload is None:
        return "请选择要导入的文件。"
    limits = UploadLimits.configured()
    try:
        inspect_upload(
            upload.name or "工作簿", upload, {"xlsx", "csv"}, limits.max_workbook_bytes, limits=limits
        )
    except UploadRefused as refusal:
        return f"“{upload.name}”未导入：{refusal}"
    return ""


def _job_for(request: HttpRequest, pk: int) -> Job:
    user = user_of(request)
    job = Job.objects.filter(pk=pk).select_related("batch").first()
    if job is None or not (user.is_province or job.created_by_id == user.pk):
        raise Http404("任务不存在或您无权查看。")
    return job


def _job_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    report = job.result or {}
    progress.live(job)
    return {
        "job": job,
        "can_retry": job.retryable and job.created_by_id == user_of(request).pk,
        "running": job.status in (Job.Status.QUEUED, Job.Status.RUNNING),
        "report": report,
        "unlisted": report.get("error_count", 0) - len(report.get("errors", [])),
    }


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "web/job.html", _job_context(request, _job_for(request, pk)))


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the job's card, polled every second until it finishes."""
    return render(request, "web/_job.html", _job_context(request, _job_for(request, pk)))


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue an interrupted import again; only the user who uploaded it may."""
    job = _job_for(request, pk)
    if job.created_by_id != user_of(request).pk:
        raise Http404("任务不存在或您无权操作。")
    try:
        retry(job, actor=user_of(request))
    except JobError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新排队，导入将在后台重新运行。")
    return redirect("job", pk=job.pk)


@login_required
def template_download(request: HttpRequest, name: str) -> HttpResponse:
    user_of(request)
    if name == "workbook":
        # ?batch= picks the batch's own workbook (a self-evaluation-only batch has no evaluator parts).
        sheets = sheets_for(current_batch(request).parameters.methods)
        response = HttpResponse(
            workbook_bytes(sheets),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = "交换工作簿模板.xlsx"
    elif name in BY_NAME:
        response = HttpResponse(csv_bytes(BY_NAME[name]), content_type="text/csv; charset=utf-8")
        filename = f"{name}.csv"
    else:
        raise Http404("模板不存在。")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
