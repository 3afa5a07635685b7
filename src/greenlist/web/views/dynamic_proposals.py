"""The city's removal or rename proposal from a filing's page (年度动态管理 → 名单库). The view
parses and delegates to ``greenlist.dynamic.proposals``, which calls the register's one write path."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from greenlist.accounts.models import Role
from greenlist.dynamic import proposals
from greenlist.registry import proposals as register
from greenlist.web.views.common import require_roles
from greenlist.web.views.dynamic import get_filing


@login_required
@require_POST
def filing_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_roles(request, Role.CITY)
    filing = get_filing(request, pk)
    raw_date = request.POST.get("effective_on", "").strip()
    effective_on: dt.date | None = None
    if raw_date:
        try:
            effective_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            messages.error(request, f"生效日期“{raw_date[:20]}”无效，请按“2025-03-01”的格式填写。")
            return redirect("dynamic_filing", pk=filing.pk)
    try:
        made = proposals.propose(
            filing,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            effective_on=effective_on,
            new_name=request.POST.get("new_name", ""),
            actor=user,
        )
    except register.Forbidden as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    except register.ProposalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, f"已提出对“{filing.entry.name}”的{made.get_kind_display()}建议，等待省厅审核。"
        )
    return redirect("dynamic_filing", pk=filing.pk)
