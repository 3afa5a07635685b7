"""Chart specifications (plotly.js figure dicts) built from screening results; the page embeds
them with ``json_script`` and static/greenlist/charts.js draws them (no inline script)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from greenlist.campaign.workflow import State
from greenlist.rules.screening import ScreeningResult
from greenlist.rules.vocabulary import Category

GREEN, RED, GREY, AMBER = "#1f7a4d", "#b3261e", "#9fb3a8", "#c58a00"
FONT = {"family": "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif"}


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 48, "r": 16, "t": 30, "b": 70},
        "font": FONT,
        "legend": {"orientation": "h", "y": 1.15},
        "barmode": "group",
        "height": 340,
        "autosize": True,
    }
    layout.update(extra)
    return layout


def quota_chart(result: ScreeningResult, recommended: Counter[str]) -> dict[str, Any]:
    units = [q.unit.name for q in result.quotas]
    used = [recommended[name] for name in units]
    quotas = [q.quota for q in result.quotas]
    return {
        "data": [
            {"type": "bar", "name": "名额", "x": units, "y": quotas, "marker": {"color": GREY}},
            {
                "type": "bar",
                "name": "已拟推荐（红色：超出名额）",
                "x": units,
                "y": used,
                "marker": {"color": [RED if u > q else GREEN for u, q in zip(used, quotas, strict=True)]},
            },
        ],
        "layout": _layout(),
    }


def evaluator_chart(result: ScreeningResult) -> dict[str, Any]:
    loaded = sorted((e for e in result.evaluators if e.projects), key=lambda e: e.projects)[-20:]
    names = [e.evaluator.name for e in loaded]
    cap = result.batch.evaluator_cap
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "项目数（红色：超限或不予采信）",
                "y": names,
                "x": [e.projects for e in loaded],
                "marker": {"color": [RED if e.projects > cap or not e.accepted else GREEN for e in loaded]},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"上限 {cap} 项",
                "y": names,
                "x": [cap] * len(names),
                "line": {"color": AMBER, "dash": "dash"},
            },
        ],
        "layout": _layout(
            height=max(340, 24 * len(names) + 80), margin={"l": 250, "r": 16, "t": 30, "b": 40}
        ),
    }


def category_chart(result: ScreeningResult) -> dict[str, Any]:
    counts = Counter(r.application.category for r in result.applications)
    eligible = Counter(r.application.category for r in result.applications if r.eligible)
    labels = [c.label for c in Category]
    return {
        "data": [
            {
                "type": "bar",
                "name": "可推荐",
                "x": labels,
                "y": [eligible[c] for c in Category],
                "marker": {"color": GREEN},
            },
            {
                "type": "bar",
                "name": "不得推荐",
                "x": labels,
                "y": [counts[c] - eligible[c] for c in Category],
                "marker": {"color": RED},
            },
        ],
        "layout": _layout(barmode="stack"),
    }


def state_chart(states: Counter[str]) -> dict[str, Any]:
    shown = [s for s in State if states[s.value]][::-1]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [s.label for s in shown],
                "x": [states[s.value] for s in shown],
                "marker": {"color": GREEN},
                "name": "申报数",
            }
        ],
        "layout": _layout(margin={"l": 130, "r": 16, "t": 30, "b": 40}, showlegend=False),
    }
