"""A1: the relative bar. Recommended units should in principle not fall below the region's average
of its existing national units of the same category (工信部 2025-10-11 on the 2025 round:
"原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平"; confidence in the batch file).

"原则上" makes it a warning, never an exclusion (the batch file names the effect). The average comes
from the register's yearly scores; with no scores there is nothing to compare with, and the rule
stays silent: :func:`a1_explanation` says why, for the screening page and the command line.
"""

from __future__ import annotations

from collections.abc import Mapping

from greenlist.rules.batch import Batch
from greenlist.rules.facts import Application, RegionalAverage
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Category, Effect, ListLevel


def _marked(batch: Batch) -> str:
    bar = batch.relative_bar
    if bar is None:
        return ""
    return "（依据置信度" + bar.confidence + ("，待核实" if bar.confidence == "C" else "") + "）"


def a1_relative_bar(
    batch: Batch, application: Application, averages: Mapping[str, RegionalAverage | None]
) -> list[Finding]:
    """A1 on one application: warn (or the batch's effect) when its score is below the average, or
    when it gives no score to compare while the register has an average."""
    bar = batch.relative_bar
    if not batch.on("A1") or bar is None or application.category.value not in bar.categories:
        return []
    average = averages.get(application.category.value)
    if average is None:
        return []
    level = ListLevel(bar.level).label
    basis = (
        f"本省已有{level}{application.category.label}{average.year}年平均得分{average.average}分"
        f"（{average.units}家）"
    )
    effect = Effect(bar.effect)
    if application.score is None:
        return [
            cite(
                batch,
                "A1",
                effect,
                f"未填报评价得分，无法对照{basis}；原则上不低于该平均水平{_marked(batch)}",
                average=str(average.average),
                year=average.year,
            )
        ]
    if application.score >= average.average:
        return []
    return [
        cite(
            batch,
            "A1",
            effect,
            f"评价得分{application.score}分低于{basis}；原则上不低于该平均水平{_marked(batch)}",
            score=str(application.score),
            average=str(average.average),
            year=average.year,
        )
    ]


def a1_explanation(batch: Batch, averages: Mapping[str, RegionalAverage | None]) -> list[str]:
    """Why A1 says nothing for a category: the register holds no scores of its existing units."""
    bar = batch.relative_bar
    if not batch.on("A1") or bar is None:
        return []
    level = ListLevel(bar.level).label
    return [
        f"A1：名单库中没有{level}{Category(code).label}的年度得分，无法计算本地区平均水平，本项未对照"
        "（请先录入现有单位的年度得分）"
        for code in bar.categories
        if averages.get(code) is None
    ]
