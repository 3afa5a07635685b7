"""The city's bulk decision: recommend by rank within the quota."""

from __future__ import annotations

from django.db import transaction

from greenlist.accounts.models import User
from greenlist.campaign.models import Batch
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import RuleRefused
from greenlist.decisions.transitions import transition
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.vocabulary import Effect
from greenlist.screening.ranking import rank_unit


def recommend_by_rank(
    batch: Batch, unit: RecommendingUnit, category: str, *, actor: User, acknowledge_warnings: bool = False
) -> int:
    """Recommend, in rank order, the applications under review that the quota lets through.
    Each move is the audited transition (verdict, warnings acknowledged, Q1 guard); all or none
    move. Returns how many moved."""
    ranking = rank_unit(batch, unit, category)
    results = {item.key: item for item in ranking.screening.result.applications}
    moved = 0
    with transaction.atomic():
        for key in ranking.recommended:
            application = ranking.applications[key]
            if application.state != State.CITY_REVIEW:
                continue
            warnings = {f.rule for f in results[key].of(Effect.WARN)} if acknowledge_warnings else set()
            try:
                transition(application, State.CITY_RECOMMENDED, actor=actor, acknowledge=warnings)
            except RuleRefused as refusal:
                if str(refusal).startswith("[Q1]"):
                    break  # the quota is full (recommended earlier): stop at the cut
                raise
            moved += 1
    return moved
