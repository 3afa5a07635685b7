"""The pages of everyday work beyond one application: bulk decisions with a preview, the
evaluator's answers to engagement requests and its declarations, and departments' opinions per
company with the city's handling of each 不同意."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.deadline import unit_deadline
from greenlist.campaign.models import Application, CompanyOpinion, Engagement
from greenlist.campaign.workflow import State
from greenlist.decisions.bulk import ACTIONS, MAX_SELECTED, SOURCES, bulk_transition
from greenlist.decisions.engagements import accept_engagement, decline_engagement, sign_declaration
from greenlist.decisions.opinions import record_company_handling, record_company_opinion
from greenlist.rules.vocabulary import Department
from greenlist.web.views.common import current_batch, require_roles, user_of


def _selected_ids(request: HttpRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids")[:MAX_SELECTED]:
        if raw.isdigit():
            ids.append(int(raw))
    return ids


@login_required
def bulk_applications(request: HttpRequest) -> HttpResponse:
    """Pick applications, preview what the action would do to each, confirm, see what went through."""
    user = require_roles(request, Role.CITY)
    batch = current_batch(request)
    action = request.POST.get("action") or request.GET.get("action") or "accept"
    if action not in ACTIONS:
        raise Http404("批量操作无效：可选“受理”或“不予推荐”。")
    _, label, reason_required = ACTIONS[action]
    source = SOURCES[action]
    context: dict[str, Any] = {
        "batch": batch,
        "action": action,
        "label": label,
        "reason_required": reason_required,
        "actions": [(name, spec[1]) for name, spec in ACTIONS.items()],
        "source_label": source.label,
        "deadline": unit_deadline(batch, user.unit) if user.unit else None,
    }
    if request.method == "POST":
        step = request.POST.get("step", "preview")
        ids = _selected_ids(request)
        reason = request.POST.get("reason", "")
        chosen = list(
            Application.objects.filter(batch=batch, pk__in=ids)
            .select_related("organisation", "unit")
            .order_by("category", "submitted_at", "id")
        )
        if not chosen:
            messages.error(request, "请至少勾选一项申报。")
            return redirect(f"{request.path}?action={action}")
        try:
            outcomes = bulk_transition(chosen, action, actor=user, reason=reason, preview=step != "confirm")
        except ActionRefused as refusal:
            messages.error(request, f"未做任何修改：{refusal}")
            return redirect(f"{request.path}?action={action}")
        context.update(
            {
                "step": "done" if step == "confirm" else "preview",
                "passed": [o for o in outcomes if o.ok],
                "refused": [o for o in outcomes if not o.ok],
                "reason": reason,
            }
        )
        return render(request, "web/bulk.html", context)
    context["step"] = "pick"
    context["candidates"] = (
        Application.objects.filter(batch=batch, state=source)
        .select_related("organisation", "evaluator")
        .order_by("category", "submitted_at", "id")[:MAX_SELECTED]
    )
    return render(request, "web/bulk.html", context)


@login_required
@require_POST
def engagement_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.EVALUATOR)
    engagement = Engagement.objects.filter(pk=pk).select_related("application__organisation").first()
    if engagement is None:
        raise Http404("委托不存在。")
    name = engagement.application.organisation.name
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            accept_engagement(engagement, actor=user)
            done = f"已接受“{name}”的委托；请阅读并签署该项目的无结果承诺声明。"
        elif action == "decline":
            decline_engagement(engagement, actor=user, reason=request.POST.get("reason", ""))
            done = f"已拒绝“{name}”的委托，申报单位将看到拒绝理由。"
        elif action == "declare":
            sign_declaration(engagement, actor=user, confirmed=request.POST.get("confirm") == "yes")
            done = f"已签署“{name}”项目的无结果承诺声明。"
        else:
            raise ActionRefused("未知操作：可接受、拒绝委托或签署声明。")
    except ActionRefused as refusal:
        messages.error(request, f"未做任何修改：{refusal}")
    else:
        messages.success(request, done)
    return redirect("evaluator_home")


def _department_of(request: HttpRequest) -> str:
    user = user_of(request)
    if user.role == Role.DEPARTMENT:
        return user.department
    department = request.POST.get("department") or request.GET.get("department") or ""
    return department


@login_required
def company_opinions(request: HttpRequest) -> HttpResponse:
    """The draft list with each department's opinion per company; a department fills its own
    column, the city records opinions received as letters and its handling of each 不同意."""
    user = require_roles(request, Role.CITY, Role.DEPARTMENT)
    batch = current_batch(request)
    unit = user.unit
    if unit is None:
        raise Http404("账号未绑定推荐单位。")
    draft = list(
        Application.objects.filter(batch=batch, state=State.CITY_RECOMMENDED)
        .select_related("organisation")
        .order_by("category", "id")
    )
    opinions: dict[tuple[int, str], CompanyOpinion] = {
        (o.application_id, o.department): o
        for o in CompanyOpinion.objects.filter(application__in=[a.pk for a in draft])
    }
    departments = list(Department)
    rows = [(a, [(d, opinions.get((a.pk, d.value))) for d in departments]) for a in draft]
    dissent = [o for o in opinions.values() if not o.agrees]
    return render(
        request,
        "web/company_opinions.html",
        {
            "batch": batch,
            "unit": unit,
            "rows": rows,
            "departments": departments,
            "mine": user.department if user.role == Role.DEPARTMENT else "",
            "dissent": sorted(dissent, key=lambda o: (o.handling != "", o.application_id)),
            "deadline": unit_deadline(batch, unit),
        },
    )


@login_required
@require_POST
def company_opinion_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.CITY, Role.DEPARTMENT)
    application = Application.objects.filter(pk=pk).select_related("organisation", "unit").first()
    if application is None:
        raise Http404("申报不存在。")
    verdict = request.POST.get("agrees", "")
    try:
        if verdict not in ("yes", "no"):
            raise ActionRefused("请选择“同意”或“不同意”。")
        record_company_opinion(
            application,
            department=_department_of(request),
            agrees=verdict == "yes",
            opinion=request.POST.get("opinion", ""),
            document_number=request.POST.get("document_number", ""),
            letter=request.FILES.get("letter"),
            actor=user,
        )
    except ActionRefused as refusal:
        messages.error(request, f"“{application.organisation.name}”的意见未保存：{refusal}")
    else:
        messages.success(request, f"已记录对“{application.organisation.name}”的意见。")
    return redirect("company_opinions")


@login_required
@require_POST
def company_opinion_handling(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    opinion = CompanyOpinion.objects.filter(pk=pk).first()
    if opinion is None:
        raise Http404("意见不存在。")
    try:
        record_company_handling(opinion, handling=request.POST.get("handling", ""), actor=user)
    except ActionRefused as refusal:
        messages.error(request, f"处理情况未保存：{refusal}")
    else:
        messages.success(request, "处理情况已记录。")
    return redirect("company_opinions")


@login_required
def company_opinion_letter(request: HttpRequest, pk: int) -> FileResponse:
    require_roles(request, Role.CITY, Role.DEPARTMENT, Role.PROVINCE)
    opinion = CompanyOpinion.objects.filter(pk=pk).first()
    if opinion is None or not opinion.letter:
        raise Http404("复函不存在。")
    return FileResponse(opinion.letter.open("rb"), as_attachment=True, filename=opinion.letter_name or "复函")
