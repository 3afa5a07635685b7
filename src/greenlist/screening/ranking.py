"""A unit's ranked list per category (优中选优): the screening's verdicts fed to the ranking."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.park import green_factories_text, park_rank_key
from greenlist.rules.screening import ApplicationResult
from greenlist.rules.vocabulary import Category, Effect
from greenlist.scoring.ranking import RankedEntry, RankEntry, rank, within_quota
from greenlist.screening import verdicts


@dataclass(frozen=True)
class Ranking:
    ranked: list[RankedEntry]
    quota: int | None  # green factories only (Q1); other categories have no quota
    recommended: list[str]  # keys the quota lets through, in rank order
    held_back: list[str]  # eligible keys beyond the quota
    screening: verdicts.StoredScreening  # the stored verdicts the ranking rests on
    states: dict[str, str]  # each ranked application's workflow state

    def applications_of(self, keys: Collection[str]) -> dict[str, Application]:
        """The applications behind ``keys`` (a page of the ranking, say): a unit's list can run to
        hundreds, and a page shows fifty."""
        return {
            str(a.pk): a
            for a in Application.unscoped.filter(pk__in=[int(k) for k in keys]).select_related(
                "organisation", "evaluator"
            )
        }

    @cached_property
    def applications(self) -> dict[str, Application]:
        """Every ranked application (for the actions that walk the whole list)."""
        return self.applications_of([r.key for r in self.ranked])


def _category_key(item: ApplicationResult) -> dict[str, Any]:
    """P2's rank key for parks (rules.park.park_rank_key): listed parks first, then more green
    factories inside, counted from the register where it records parks."""
    app = item.application
    if app.category != Category.PARK:
        return {}
    listed = any(f.rule == "P2" and f.evidence.get("flag") == "provincial_list" for f in item.findings)
    text = green_factories_text(app)
    return {
        "category_key": park_rank_key(app, listed=listed)[:2],
        "category_text": f"已列入省级绿色工业园区名单，{text}" if listed else text,
    }


def rank_unit(batch: Batch, unit: RecommendingUnit, category: str) -> Ranking:
    stored = verdicts.stored(batch, unit_names=[unit.name], categories=[category])
    result = stored.result
    entries = [
        RankEntry(
            key=item.key,
            name=item.application.name,
            eligible=item.eligible,
            priority=tuple(f.rule for f in item.of(Effect.PRIORITY)),
            score=item.application.score,
            submitted_at=item.application.submitted_at,
            **_category_key(item),
        )
        for item in result.applications
    ]
    ranked = rank(entries)
    limited = category == Category.FACTORY and result.batch.on("Q1")
    quota = next((q.quota for q in result.quotas), None) if limited else None
    recommended, held_back = within_quota(ranked, quota if quota is not None else len(ranked))
    states = {
        str(pk): state
        for pk, state in Application.unscoped.filter(pk__in=[int(e.key) for e in entries]).values_list(
            "pk", "state"
        )
    }
    return Ranking(ranked, quota, recommended, held_back, stored, states)
