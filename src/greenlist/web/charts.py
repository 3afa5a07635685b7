"""Chart options (Apache ECharts ``setOption`` dicts) built from screening results; the page embeds
them with ``json_script`` and static/greenlist/charts.js draws them (no inline script). ECharts
(static/vendor/echarts) is loaded only on a page that draws a chart."""

from __future__ import annotations

from collections import Counter
from typing import Any

from greenlist.campaign.workflow import State
from greenlist.rules.screening import ScreeningResult
from greenlist.rules.vocabulary import Category

GREEN, RED, GREY, AMBER = "#1f7a4d", "#b3261e", "#7d8f86", "#8a5a00"
FONT = "Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif"


def _base(height: int = 340, *, left: int = 48, bottom: int = 70, legend: bool = True) -> dict[str, Any]:
    option: dict[str, Any] = {
        "textStyle": {"fontFamily": FONT},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {
            "left": left,
            "right": 16,
            "top": 40 if legend else 16,
            "bottom": bottom,
            "containLabel": True,
        },
        "height_px": height,  # read by charts.js for the container, not by ECharts
        "animation": False,
    }
    if legend:
        option["legend"] = {"top": 0}
    return option


def _bars(values: list[int], colours: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "itemStyle": {"color": c}} for v, c in zip(values, colours, strict=True)]


def quota_chart(result: ScreeningResult, recommended: Counter[str]) -> dict[str, Any]:
    units = [q.unit.name for q in result.quotas]
    used = [recommended[name] for name in units]
    quotas = [q.quota for q in result.quotas]
    return {
        **_base(),
        "xAxis": {"type": "category", "data": units, "axisLabel": {"rotate": 45, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "name": "名额", "data": quotas, "itemStyle": {"color": GREY}},
            {
                "type": "bar",
                "name": "已拟推荐（红色：超出名额）",
                "data": _bars(used, [RED if u > q else GREEN for u, q in zip(used, quotas, strict=True)]),
                "itemStyle": {"color": GREEN},
            },
        ],
    }


def evaluator_chart(result: ScreeningResult) -> dict[str, Any]:
    loaded = sorted((e for e in result.evaluators if e.projects), key=lambda e: e.projects)[-20:]
    names = [e.evaluator.name for e in loaded]
    cap = result.batch.evaluator_cap
    return {
        **_base(max(340, 24 * len(names) + 80), bottom=30),
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names, "axisLabel": {"width": 200, "overflow": "truncate"}},
        "series": [
            {
                "type": "bar",
                "name": "项目数（红色：超限或不予采信）",
                "data": _bars(
                    [e.projects for e in loaded],
                    [RED if e.projects > cap or not e.accepted else GREEN for e in loaded],
                ),
                "itemStyle": {"color": GREEN},
                "markLine": {
                    "symbol": "none",
                    "lineStyle": {"color": AMBER, "type": "dashed"},
                    "label": {"formatter": f"上限 {cap} 项"},
                    "data": [{"xAxis": cap}],
                },
            }
        ],
    }


def category_chart(result: ScreeningResult) -> dict[str, Any]:
    counts = Counter(r.application.category for r in result.applications)
    eligible = Counter(r.application.category for r in result.applications if r.eligible)
    labels = [c.label for c in Category]
    return {
        **_base(),
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": "可推荐",
                "stack": "all",
                "data": [eligible[c] for c in Category],
                "itemStyle": {"color": GREEN},
            },
            {
                "type": "bar",
                "name": "不得推荐",
                "stack": "all",
                "data": [counts[c] - eligible[c] for c in Category],
                "itemStyle": {"color": RED},
            },
        ],
    }


def state_chart(states: Counter[str]) -> dict[str, Any]:
    shown = [s for s in State if states[s.value]][::-1]
    return {
        **_base(legend=False, bottom=30),
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [s.label for s in shown]},
        "series": [
            {
                "type": "bar",
                "name": "申报数",
                "data": [states[s.value] for s in shown],
                "itemStyle": {"color": GREEN},
            }
        ],
    }
