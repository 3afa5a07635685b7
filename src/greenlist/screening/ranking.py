"""A unit's ranked list per category (优中选优): the screening's verdicts fed to the ranking."""

from __future__ import annotations

from dataclasses import dataclass

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.vocabulary import Category, Effect
from greenlist.scoring.ranking import RankedEntry, RankEntry, rank, within_quota
from greenlist.screening import verdicts


@dataclass(frozen=True)
class Ranking:
    ranked: list[RankedEntry]
    applications: dict[str, Application]
    quota: int | None  # green factories only (Q1); other categories have no quota
    recommended: list[str]  # keys the quota lets through, in rank order
    held_back: list[str]  # eligible keys beyond the quota
    screening: verdicts.StoredScreening  # the stored verdicts the ranking rests on


def rank_unit(batch: Batch, unit: RecommendingUnit, category: str) -> Ranking:
    stored = verdicts.stored(batch, unit_names=[unit.name])
    result = stored.result
    entries = []
    for item in result.applications:
        if item.application.category != category:
            continue
        entries.append(
            RankEntry(
                key=item.key,
                name=item.application.name,
                eligible=item.eligible,
                priority=tuple(f.rule for f in item.of(Effect.PRIORITY)),
                score=item.application.score,
                submitted_at=item.application.submitted_at,
            )
        )
    ranked = rank(entries)
    quota = next((q.quota for q in result.quotas), None) if category == Category.FACTORY else None
    recommended, held_back = within_quota(ranked, quota if quota is not None else len(ranked))
    applications = {
        str(a.pk): a
        for a in Application.unscoped.filter(pk__in=[int(e.key) for e in entries]).select_related(
            "organisation", "evaluator"
        )
    }
    return Ranking(ranked, applications, quota, recommended, held_back, stored)
