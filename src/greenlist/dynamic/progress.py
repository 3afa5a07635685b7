"""What the pages show about a cycle: its progress per city with the deadline countdown, and the
standing of listed units (score history, regional average, watchlist). Read-only."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from greenlist.dynamic.models import Filing, FilingState, OnSiteCheck
from greenlist.dynamic.service import entries
from greenlist.registry import standing
from greenlist.registry.models import ProvincialListEntry, RecommendingUnit, RegisterProposal, UnitScore
from greenlist.rules import filing as rules
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus
from greenlist.scoping import unscoped


@dataclass(frozen=True)
class Countdown:
    stage: str
    label: str
    due: dt.datetime
    days_left: int  # negative: overdue by that many days
    source: str
    confidence: str
    provincial_choice: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def countdown(the_cycle: rules.Cycle, now: dt.datetime | None = None) -> list[Countdown]:
    now = now or timezone.now()
    rows = []
    for deadline in the_cycle.deadlines:
        seconds = (deadline.due - now).total_seconds()
        days = int(seconds // 86400) if seconds < 0 else int(-(-seconds // 86400))
        rows.append(
            Countdown(
                stage=deadline.stage,
                label=deadline.label,
                due=deadline.due,
                days_left=days,
                source=deadline.source,
                confidence=deadline.confidence,
                provincial_choice=deadline.provincial_choice,
            )
        )
    return rows


@dataclass
class UnitProgress:
    unit: RecommendingUnit
    listed: int = 0
    filed: int = 0  # submitted at least once
    audited: int = 0  # accepted or returned
    accepted: int = 0
    onsite: int = 0  # on-site checks ordered
    proposals: int | None = None  # removal/rename proposals made from this cycle's filings

    @property
    def filed_percent(self) -> int:
        return round(self.filed * 100 / self.listed) if self.listed else 0

    @property
    def audited_percent(self) -> int:
        return round(self.audited * 100 / self.listed) if self.listed else 0


def _proposal_counts(units: list[int], year: int) -> dict[int, int]:
    """Removal and rename proposals made from this cycle's filings, per unit: a unit's proposals
    of earlier years, or made in the register without a filing, are not this cycle's work."""
    rows = RegisterProposal.unscoped.filter(filing__cycle_year=year, filing__unit_id__in=units).values_list(
        "filing__unit_id", flat=True
    )
    return dict(Counter(rows))


def city_progress(the_cycle: rules.Cycle, units: list[RecommendingUnit]) -> list[UnitProgress]:
    ids = [u.pk for u in units]
    with unscoped():
        listed = Counter(entries(the_cycle).filter(unit_id__in=ids).values_list("unit_id", flat=True))
        filings = Filing.objects.filter(cycle_year=the_cycle.year, unit_id__in=ids)
        filed = Counter(filings.filter(filed_at__isnull=False).values_list("unit_id", flat=True))
        audited = Counter(
            filings.filter(state__in=[FilingState.ACCEPTED, FilingState.RETURNED]).values_list(
                "unit_id", flat=True
            )
        )
        accepted = Counter(filings.filter(state=FilingState.ACCEPTED).values_list("unit_id", flat=True))
        onsite = Counter(
            OnSiteCheck.objects.filter(filing__in=filings).values_list("filing__unit_id", flat=True)
        )
        proposals = _proposal_counts(ids, the_cycle.year)
    return [
        UnitProgress(
            unit=u,
            listed=listed[u.pk],
            filed=filed[u.pk],
            audited=audited[u.pk],
            accepted=accepted[u.pk],
            onsite=onsite[u.pk],
            proposals=proposals.get(u.pk, 0),
        )
        for u in units
    ]


def proposals_url() -> str:
    """The register's proposal page, where it exists in this installation ("" otherwise)."""
    for name in ("register_proposals", "registry_proposals", "register_proposal_list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


# --- standing ---------------------------------------------------------------------------------


@dataclass
class StandingRow:
    entry: ProvincialListEntry
    scores: dict[int, Decimal] = field(default_factory=dict)
    watch: bool = False


@dataclass
class StandingTable:
    category: Category
    level: ListLevel
    years: list[int]
    rows: list[StandingRow]
    averages: dict[int, standing.RegionalAverage | None]  # of national units, per year
    watchlist: list[ProvincialListEntry]
    last_year: int | None


def standing_table(
    category: Category, level: ListLevel, unit_ids: list[int] | None = None, years: int = 5
) -> StandingTable:
    """Score history of the active units of ``category``/``level`` (of ``unit_ids`` when given),
    the province's average of its national units each year (the bar of the 2025 national round),
    and the watchlist: bottom 5 % three years running (the whole province's ranking)."""
    scores = UnitScore.objects.filter(
        entry__category=category, entry__level=level, entry__status=ListStatus.ACTIVE
    ).select_related("entry", "entry__unit")
    if unit_ids is not None:
        scores = scores.filter(entry__unit_id__in=unit_ids)
    by_entry: dict[int, StandingRow] = {}
    seen_years: set[int] = set()
    for score in scores:
        row = by_entry.setdefault(score.entry_id, StandingRow(score.entry))
        row.scores[score.year] = score.score
        seen_years.add(score.year)
    all_years = sorted(
        set(UnitScore.objects.filter(entry__category=category).values_list("year", flat=True)) | seen_years
    )
    shown = all_years[-years:]
    last = shown[-1] if shown else None
    watch = standing.watchlist(category, level, last) if last is not None else []
    watch_ids = {e.pk for e in watch}
    for row in by_entry.values():
        row.watch = row.entry.pk in watch_ids
    if unit_ids is not None:
        watch = [e for e in watch if e.unit_id in unit_ids]
    rows = sorted(by_entry.values(), key=lambda r: (not r.watch, r.entry.unit.order, r.entry.name))
    averages = {year: standing.regional_average(category, ListLevel.NATIONAL, year) for year in shown}
    return StandingTable(category, level, shown, rows, averages, watch, last)


def entries_without_filing(the_cycle: rules.Cycle, unit_ids: list[int] | None) -> list[ProvincialListEntry]:
    """The listed units that have not handed in a table yet (none, or a draft only)."""
    queryset = entries(the_cycle).select_related("unit")
    if unit_ids is not None:
        queryset = queryset.filter(unit_id__in=unit_ids)
    with unscoped():
        handed_in = Filing.objects.filter(cycle_year=the_cycle.year, filed_at__isnull=False).values(
            "entry_id"
        )
        return list(queryset.exclude(pk__in=handed_in).order_by("unit__order", "name"))


def filing_rows(the_cycle: rules.Cycle, filings: Any) -> list[Filing]:
    return list(filings.filter(cycle_year=the_cycle.year).select_related("entry", "unit"))


def summary_by_state(filings: Any) -> dict[str, int]:
    counts: defaultdict[str, int] = defaultdict(int)
    for state in filings.values_list("state", flat=True):
        counts[state] += 1
    return dict(counts)


def visible_filings_q(unit_ids: list[int] | None) -> Q:
    return Q() if unit_ids is None else Q(unit_id__in=unit_ids)
