"""The province's selection across units: every submitted application with its verdict, its
rank in the unit's list, the unit's quota use and the departments' opinions (dissent first)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from greenlist.accounts.models import Role
from greenlist.campaign.models import Application, Consultation, UnitSubmission
from greenlist.screening import verdicts
from greenlist.web.views.common import current_batch, query_without, require_roles

UNITS_PER_PAGE = 3


@login_required
def selection(request: HttpRequest) -> HttpResponse:
    require_roles(request, Role.PROVINCE)
    batch = current_batch(request)
    submitted = list(
        UnitSubmission.objects.filter(batch=batch, submitted_at__isnull=False)
        .select_related("unit")
        .order_by("unit__order")
    )
    wanted = request.GET.get("unit", "")
    chosen = [s for s in submitted if not wanted or s.unit.code == wanted]
    # A few units' lists per page: at 10,000 applications the whole province is too long a page.
    page = Paginator(chosen, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    submissions = list(page.object_list)
    ids = [entry["id"] for s in submissions if s.snapshot for entry in s.snapshot["applications"]]
    stored = verdicts.stored(batch, ids=ids)
    results = stored.result.by_key()
    applications = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids).select_related("organisation", "unit", "evaluator")
    }
    opinions: dict[int, list[Consultation]] = defaultdict(list)
    for consultation in Consultation.objects.filter(batch=batch).order_by("agrees", "department"):
        opinions[consultation.unit_id].append(consultation)
    units: list[dict[str, Any]] = []
    for submission in submissions:
        snapshot = submission.snapshot or {}
        rows = [
            {
                "entry": entry,
                "application": applications[entry["id"]],
                "result": results.get(str(entry["id"])),
            }
            for entry in snapshot.get("applications", [])
            if entry["id"] in applications
        ]
        units.append(
            {
                "submission": submission,
                "quota": snapshot.get("quota", {}),
                "rows": rows,
                "opinions": opinions[submission.unit_id],
                "dissent": any(not c.agrees for c in opinions[submission.unit_id]),
            }
        )
    return render(
        request,
        "web/selection.html",
        {
            "batch": batch,
            "screening": stored,
            "units": units,
            "submitted": submitted,
            "unit": wanted,
            "page": page,
            "query": query_without(request),
            "waiting": UnitSubmission.objects.filter(batch=batch, submitted_at__isnull=True).count(),
            "rule_texts": batch.parameters.rules,
        },
    )
