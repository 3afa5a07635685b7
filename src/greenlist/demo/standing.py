"""Demo: yearly scores of the listed units for 2023–2025, so the standing page, the regional
average of national units and the three-year watchlist show real figures.

Deterministic (each score from the unit's uscc, category and year) and idempotent: a score that
exists is kept, except the chosen watch units' imported scores, which are set to the same low
values again; scores fed by an accepted filing are never overwritten.
"""

from __future__ import annotations

import random
from decimal import Decimal

from greenlist.registry.models import ProvincialListEntry, UnitScore
from greenlist.rules.vocabulary import ListLevel, ListStatus

YEARS = (2023, 2024, 2025)
LEVELS = (ListLevel.NATIONAL, ListLevel.PROVINCIAL)


def _watch_count(size: int) -> int:
    """How many units of a group stay at the bottom: a few in a large group (always inside the
    bottom 5 %), one in a small one."""
    return max(1, min(3, size // 40))


def load_standing() -> int:
    """Scores of the active national and provincial units listed by 2023; returns how many were
    created (0 when already loaded)."""
    entries = list(
        ProvincialListEntry.objects.filter(status=ListStatus.ACTIVE, level__in=LEVELS).order_by(
            "category", "level", "uscc"
        )
    )
    groups: dict[tuple[str, str], list[ProvincialListEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.category, entry.level), []).append(entry)
    existing = {
        (entry_id, year): source
        for entry_id, year, source in UnitScore.objects.filter(entry__in=entries, year__in=YEARS).values_list(
            "entry_id", "year", "source"
        )
    }
    rows: list[UnitScore] = []
    for group in groups.values():
        # The units listed before the three years begin, by uscc: the first few stay at the bottom.
        eligible = [e for e in group if e.year <= YEARS[0]]
        watch = {e.pk for e in eligible[: _watch_count(len(group))]}
        for entry in group:
            for year in YEARS:
                if entry.year > year:
                    continue  # not listed yet that year
                rng = random.Random(f"standing:{entry.uscc}:{entry.category}:{entry.level}:{year}")
                low = entry.pk in watch
                score = Decimal(rng.randrange(5_500, 6_000) if low else rng.randrange(7_000, 9_700)) / 100
                source = existing.get((entry.pk, year))
                if source is None:
                    rows.append(
                        UnitScore(entry=entry, year=year, score=score, source=UnitScore.Source.IMPORT)
                    )
                elif low and source == UnitScore.Source.IMPORT:
                    UnitScore.objects.filter(entry=entry, year=year).exclude(score=score).update(score=score)
    UnitScore.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
