"""Screening a batch from the database: gather facts, run the pure rules, return the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from greenlist.campaign.models import Batch
from greenlist.registry.reference import current_energy_levels
from greenlist.rules.screening import ScreeningResult, screen
from greenlist.scoping import unscoped
from greenlist.screening import facts


def screen_batch(
    batch: Batch, *, unit_names: Sequence[str] | None = None, now: dt.datetime | None = None
) -> ScreeningResult:
    """Screen every application of ``batch`` (evaluator caps count across all units) and return
    the result, restricted to ``unit_names`` when given. Reads only; writes nothing."""
    with unscoped():
        applications = facts.application_facts(batch)
        result = screen(
            batch.parameters,
            applications,
            facts.negative_records(applications),
            facts.list_entries(a.uscc for a in applications),
            facts.evaluator_facts(),
            current_energy_levels(),
            facts.unit_facts(batch),
            now or timezone.now(),
            reports=facts.experience_reports(batch),
            averages=facts.regional_averages(batch),
        )
    if unit_names is None:
        return result
    wanted = set(unit_names)
    return ScreeningResult(
        batch=result.batch,
        applications=tuple(a for a in result.applications if a.application.unit in wanted),
        quotas=tuple(q for q in result.quotas if q.unit.name in wanted),
        evaluators=result.evaluators,
    )
