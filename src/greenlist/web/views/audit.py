"""The province's audit trail with filters, and the chain's verification status."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from greenlist.accounts.models import Role
from greenlist.audit.describe import sentences
from greenlist.audit.log import verify
from greenlist.audit.models import Action, AuditEvent
from greenlist.registry.models import RecommendingUnit
from greenlist.web.export import export_query, wants_xlsx, xlsx_response
from greenlist.web.views.common import bad_request, require_roles


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    require_roles(request, Role.PROVINCE)
    events = AuditEvent.objects.select_related(
        "unit", "actor__unit", "actor__organisation", "actor__evaluator"
    ).order_by("-id")
    action = request.GET.get("action", "")
    unit = request.GET.get("unit", "")
    query = request.GET.get("q", "").strip()
    since = request.GET.get("since", "")
    if action:
        if action not in {str(value) for value in Action.values}:
            return bad_request(request, f"事件类型“{action[:20]}”无效，请从“事件”下拉列表中选择。")
        events = events.filter(action=int(action))
    if unit:
        events = events.filter(unit__code=unit)
    if query:
        events = events.filter(object_label__contains=query) | events.filter(actor_label__contains=query)
    if since:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            return bad_request(request, f"起始日期“{since[:20]}”无效，请按“2024-05-01”的格式填写。")
        events = events.filter(at__date__gte=day)
    if wants_xlsx(request):
        return xlsx_response(
            "审计日志.xlsx",
            "审计日志",
            ["序号", "时间", "操作人", "事件", "对象", "推荐单位", "理由", "详情"],
            (
                [
                    e.id,
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_label,
                    e.get_action_display(),
                    e.object_label,
                    e.unit.name if e.unit else "",
                    e.reason,
                    "；".join(sentences(e.details)),
                ]
                for e in events.iterator(chunk_size=1000)
            ),
        )
    broken = next(iter(verify()), None) if request.GET.get("verify") else None
    return render(
        request,
        "web/audit.html",
        {
            "page": Paginator(events, 50).get_page(request.GET.get("page")),
            "actions": Action.choices,
            "units": RecommendingUnit.objects.all(),
            "action": action,
            "unit": unit,
            "q": query,
            "since": since,
            "verified": bool(request.GET.get("verify")),
            "broken": broken,
            "export_query": export_query(request),
        },
    )
