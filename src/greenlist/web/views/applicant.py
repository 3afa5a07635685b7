"""The applicant's pages: registration (uscc checked as typed), opening and editing an application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from greenlist.accounts.models import Role
from greenlist.accounts.registration import register_applicant
from greenlist.campaign.actions import ActionRefused, create_application
from greenlist.campaign.workflow import EDITABLE_STATES
from greenlist.decisions.transitions import update_application
from greenlist.registry.sync import load_province
from greenlist.rules.uscc import UsccError, validate_uscc
from greenlist.rules.vocabulary import Category
from greenlist.screening.verdicts import evaluator_marks
from greenlist.web.access import get_application
from greenlist.web.forms import ApplicationForm, RegistrationForm, unit_for_uscc
from greenlist.web.views.common import current_batch, require_roles


def _region_prefix() -> str:
    return str(load_province().get("region_prefix", ""))


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None, region_prefix=_region_prefix())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = register_applicant(
            uscc=data["uscc"],
            name=data["name"],
            unit=data["unit"],
            industry=data["industry"],
            username=data["username"],
            email=data["email"],
            password=data["password"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user.organisation_id is None:
            messages.success(
                request, "注册成功。账号须经推荐单位确认后才能查看和办理本单位的申报，办理方式见下。"
            )
            return redirect("dashboard")
        messages.success(request, "注册成功。请选择申报类别，开始填写申报。")
        return redirect("application_new")
    return render(request, "web/register.html", {"form": form})


def check_uscc(request: HttpRequest) -> HttpResponse:
    """htmx: the uscc field's verdict as the user types, with the unit its division code suggests."""
    raw = request.GET.get("uscc", "")
    if len(raw.strip()) < 18:
        return render(request, "web/_uscc_check.html", {"pending": len(raw.strip())})
    try:
        code = validate_uscc(raw, region_prefix=_region_prefix())
    except UsccError as exc:
        return render(request, "web/_uscc_check.html", {"error": str(exc)})
    return render(request, "web/_uscc_check.html", {"code": code, "unit": unit_for_uscc(code)})


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    user = require_roles(request, Role.APPLICANT)
    if user.organisation is None:
        messages.error(request, "账号尚待推荐单位确认，确认后才能新建申报。")
        return redirect("dashboard")
    batch = current_batch(request)
    if request.method == "POST":
        try:
            application = create_application(
                batch=batch,
                organisation=user.organisation,
                category=request.POST.get("category", ""),
                actor=user,
            )
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "已创建申报草稿，请填写评价信息。")
            return redirect("application_edit", pk=application.pk)
    return render(request, "web/application_new.html", {"categories": Category.choices(), "batch": batch})


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.APPLICANT)
    application = get_application(request, pk)
    if application.state not in EDITABLE_STATES:
        messages.error(request, "申报已提交，不能修改；如需修改请联系推荐单位退回。")
        return redirect("application_detail", pk=pk)
    form = ApplicationForm(
        request.POST or None,
        instance=application,
        category=application.category,
        methods=application.batch.parameters.methods,
        evaluator_marks=evaluator_marks(application.batch, exclude=application.pk),
    )
    chosen = form.data.get("evaluator") if request.method == "POST" else None
    if (
        chosen
        and str(chosen).isdigit()
        and int(chosen) in form.evaluator_marks
        and int(chosen) != application.evaluator_id
    ):
        form.add_error(
            "evaluator",
            f"该机构不能承担本项目：{form.evaluator_marks[int(chosen)]}。请选择其他机构或改为自评价。",
        )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            update_application(application, changes, actor=user, expected_version=version)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "已保存。")
            return redirect("application_detail", pk=pk)
    return render(request, "web/application_edit.html", {"form": form, "application": application})
