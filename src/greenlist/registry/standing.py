"""Standing of listed green units: the regional average and the bottom-share watchlist.

Both read ``UnitScore`` (one score per listed unit and year). The arithmetic is plain and kept
here so the screening facts, the register pages and the API all use the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Max

from greenlist.registry.models import ProvincialListEntry, UnitScore
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus


@dataclass(frozen=True)
class RegionalAverage:
    category: Category
    level: ListLevel
    year: int
    average: Decimal
    units: int


def regional_average(
    category: Category, level: ListLevel = ListLevel.NATIONAL, year: int | None = None
) -> RegionalAverage | None:
    """The average score of the province's active units of ``category`` at ``level`` for ``year``
    (the latest year with any score when ``year`` is None). None where no unit has a score."""
    scores = UnitScore.objects.filter(
        entry__category=category, entry__level=level, entry__status=ListStatus.ACTIVE
    )
    if year is None:
        year = scores.aggregate(latest=Max("year"))["latest"]
        if year is None:
            return None
    of_year = scores.filter(year=year)
    figures = of_year.aggregate(average=Avg("score"))
    count = of_year.count()
    if not count or figures["average"] is None:
        return None
    average = Decimal(figures["average"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return RegionalAverage(category=category, level=level, year=year, average=average, units=count)


def bottom_share(scores: list[tuple[int, Decimal]], share: Decimal) -> set[int]:
    """Pure helper: of ``(entry_id, score)`` pairs, the ids in the lowest ``share`` (at least one
    unit once there are any scores; ties at the cut-off are all included)."""
    if not scores:
        return set()
    ranked = sorted(scores, key=lambda pair: pair[1])
    size = max(1, int((Decimal(len(ranked)) * share).to_integral_value(rounding="ROUND_FLOOR")))
    cut = ranked[size - 1][1]
    return {entry_id for entry_id, score in ranked if score <= cut}


def watchlist(
    category: Category,
    level: ListLevel,
    last_year: int,
    years: int = 3,
    share: Decimal = Decimal("0.05"),
) -> list[ProvincialListEntry]:
    """Active units of ``category``/``level`` in the bottom ``share`` in each of the ``years``
    years ending with ``last_year``."""
    flagged: set[int] | None = None
    for year in range(last_year - years + 1, last_year + 1):
        pairs = list(
            UnitScore.objects.filter(
                year=year, entry__category=category, entry__level=level, entry__status=ListStatus.ACTIVE
            ).values_list("entry_id", "score")
        )
        bottom = bottom_share(pairs, share)
        flagged = bottom if flagged is None else flagged & bottom
        if not flagged:
            return []
    return list(ProvincialListEntry.objects.filter(pk__in=flagged or set()).order_by("name"))
