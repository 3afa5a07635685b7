"""Reference tables: everyone sees the values with their source and confidence (unverified ones
marked); the province corrects or adds rows, audited, without a code change."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from greenlist.registry.reference import current_energy_levels, save_energy_level
from greenlist.web.views.common import user_of


def _decimal(raw: str) -> Decimal | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"“{raw}”不是数字。") from exc


@login_required
def reference(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        if not user.is_province:
            return render(request, "403.html", status=403)
        data = request.POST
        try:
            save_energy_level(
                data.get("product", ""),
                {
                    "unit": data.get("unit", "kgce/t").strip() or "kgce/t",
                    "benchmark": _decimal(data.get("benchmark", "")),
                    "baseline": _decimal(data.get("baseline", "")),
                    "grade1": _decimal(data.get("grade1", "")),
                    "lower_is_better": data.get("lower_is_better") == "on",
                    "key_industry": data.get("key_industry") == "on",
                    "source": data.get("source", "").strip(),
                    "confidence": data.get("confidence", "C"),
                },
                actor=user,
                reason=data.get("reason", ""),
            )
        except (ValueError, PermissionError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存“{data.get('product')}”，并记入审计日志。")
        return redirect("reference")
    levels = sorted(
        current_energy_levels().values(), key=lambda level: (not level.key_industry, level.product)
    )
    return render(request, "web/reference.html", {"levels": levels})
