"""使用说明: what the unverified (待核实) values are, so forms need not explain them line by line."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from greenlist.scoring.systems import systems


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    shown = []
    for system in systems().values():
        unverified = [i for i in system.indicators if i.confidence == "C"]
        shown.append(
            {
                "label": system.label,
                "pass_mark": system.pass_mark,
                "areas": [a for a in system.areas if a.confidence == "C"],
                "unverified": len(unverified),
                "total": len(system.indicators),
            }
        )
    return render(request, "web/help.html", {"systems": shown})
