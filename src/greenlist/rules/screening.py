"""Batch-wide screening: every rule of the catalogue over a batch's applications, evaluators and
recommending units, in one pass.

:func:`screen` is what the database layer calls; :meth:`ScreeningResult.to_contract` is exactly the
object ``greenlist screen --format json`` prints (docs/contracts/cli.md). All rules run on every application;
an application is eligible when no finding excludes it. Inputs are indexed once (list entries and
evaluators by uscc, energy levels by product), so the work grows linearly with the batch (plus
sorting each evaluator's projects for V3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from greenlist.rules.batch import Batch
from greenlist.rules.evaluators import (
    evaluator_findings,
    evaluator_reasons,
    legal_entities,
    v3_allocate_cap,
    v4_no_result_promise,
)
from greenlist.rules.exclusions import exclusion_findings
from greenlist.rules.factory import (
    f1_provincial_green_factory,
    f2_evaluation_standard,
    f3_energy_priority,
    product_key,
)
from greenlist.rules.facts import (
    Application,
    EnergyLevel,
    Evaluator,
    ListEntry,
    NegativeRecord,
    RegionalAverage,
    UnitFacts,
)
from greenlist.rules.findings import Finding
from greenlist.rules.listing import l1_prior_listing
from greenlist.rules.park import p1_park_conditions, p2_park_priority
from greenlist.rules.relative_bar import a1_relative_bar
from greenlist.rules.report import ExperienceReport, r1_report_provided, r2_report_limits
from greenlist.rules.supply_chain import s1_green_factory, s2_supply_chain_priority
from greenlist.rules.unit import effective_quota, quota, unit_findings
from greenlist.rules.vocabulary import Effect


def _contract(findings: Sequence[Finding], *effects: Effect) -> list[dict[str, str]]:
    return [f.as_contract() for f in findings if f.effect in effects and not f.dismissed]


@dataclass(frozen=True)
class ApplicationResult:
    application: Application
    findings: tuple[Finding, ...]

    @property
    def key(self) -> str:
        return self.application.key

    @property
    def eligible(self) -> bool:
        return not any(f.excludes for f in self.findings)

    def of(self, *effects: Effect) -> list[Finding]:
        return [f for f in self.findings if f.effect in effects]

    def to_contract(self) -> dict[str, Any]:
        app = self.application
        return {
            "uscc": app.uscc,
            "name": app.name,
            "category": app.category.value,
            "unit": app.unit,
            "eligible": self.eligible,
            "reasons": _contract(self.findings, Effect.EXCLUDE),
            # A dismissed exclusion stays visible, as a warning carrying its ruling.
            "warnings": _contract(self.findings, Effect.WARN, Effect.BLOCK)
            + [f.as_contract() for f in self.findings if f.dismissed],
            "priority": _contract(self.findings, Effect.PRIORITY),
        }


@dataclass(frozen=True)
class UnitResult:
    unit: UnitFacts
    quota: int  # the quota that applies (the province's override, if any)
    computed_quota: int  # city_quota_ratio × provincial factories, rounded down
    findings: tuple[Finding, ...]  # Q1, C1, D1: all block the unit's submission

    @property
    def can_submit(self) -> bool:
        return not self.findings

    def to_contract(self) -> dict[str, Any]:
        return {
            "unit": self.unit.name,
            "provincial_factories": self.unit.provincial_factories,
            "quota": self.quota,
        }


@dataclass(frozen=True)
class EvaluatorResult:
    evaluator: Evaluator
    projects: int  # third-party projects naming the evaluator's legal entity or a branch, drafts included
    cap: int
    reasons: tuple[Finding, ...]  # V1, V2 on the evaluator's legal entity

    @property
    def accepted(self) -> bool:
        return not self.reasons

    def to_contract(self) -> dict[str, Any]:
        return {
            "uscc": self.evaluator.uscc,
            "name": self.evaluator.name,
            "projects": self.projects,
            "cap": self.cap,
            "accepted": self.accepted,
            "reasons": [f.as_contract() for f in self.reasons],
        }


@dataclass(frozen=True)
class ScreeningResult:
    batch: Batch
    applications: tuple[ApplicationResult, ...]
    quotas: tuple[UnitResult, ...]
    evaluators: tuple[EvaluatorResult, ...]

    def by_key(self) -> dict[str, ApplicationResult]:
        return {result.key: result for result in self.applications}

    def to_contract(self) -> dict[str, Any]:
        """The ``greenlist screen --format json`` object (docs/contracts/cli.md), and nothing else."""
        return {
            "batch": self.batch.code,
            "applications": [result.to_contract() for result in self.applications],
            # A batch without a quota (Q1 off) lists none; its units' C1/D1 findings stay in
            # ``quotas`` for the submission gate.
            "quotas": [result.to_contract() for result in self.quotas] if self.batch.on("Q1") else [],
            "evaluators": [result.to_contract() for result in self.evaluators],
        }


def screen(
    batch: Batch,
    applications: Sequence[Application],
    records: Mapping[str, Sequence[NegativeRecord]],
    list_entries: Sequence[ListEntry],
    evaluators: Sequence[Evaluator],
    energy_levels: Mapping[str, EnergyLevel],
    units: Sequence[UnitFacts],
    now: dt.datetime,
    *,
    reports: Mapping[str, ExperienceReport] | None = None,
    unit: str | None = None,
    averages: Mapping[str, RegionalAverage | None] | None = None,
) -> ScreeningResult:
    """Run every rule of the catalogue over one batch.

    ``records`` and ``reports`` are keyed by ``Application.key`` (the caller has matched records
    by uscc or normalised name); ``list_entries`` are all green-list entries (indexed here by uscc);
    ``energy_levels`` are keyed by product name. Pass every application of the batch: V3 counts
    evaluators' projects over all units. ``unit`` restricts the applications and quotas returned
    to one recommending unit; evaluators are always all returned. ``averages`` (category code →
    the register's average, A1) matter only where the batch has a relative bar.

    Only the rules the batch switches on run (``Batch.on``): a batch allowing self-evaluation only
    judges no evaluator (``evaluators`` is empty); one without a quota finds no Q1 (and its
    contract lists no quotas).
    """
    on = batch.on
    averages = averages or {}
    entries_by_uscc: dict[str, list[ListEntry]] = defaultdict(list)
    for entry in list_entries:
        entries_by_uscc[entry.uscc].append(entry)
    evaluator_index = {e.uscc: e for e in evaluators}
    # V1 and V2 judge the legal entity with all its branches; each member carries its entity's reasons.
    if not batch.third_party_allowed:
        evaluators = ()  # self-evaluation only: no evaluator is judged in this batch
    entity_reasons = {code: evaluator_reasons(batch, e) for code, e in legal_entities(evaluators).items()}
    reasons = {e.uscc: entity_reasons[e.entity_uscc] for e in evaluators}
    levels = {product_key(name): level for name, level in energy_levels.items()}
    allocation = v3_allocate_cap(batch, applications, evaluator_index) if on("V3") else None
    reports = reports or {}

    results = []
    for index, app in enumerate(applications):
        if unit is not None and app.unit != unit:
            continue
        entries = entries_by_uscc.get(app.uscc, [])
        findings = [f for f in exclusion_findings(batch, records.get(app.key, ()), entries) if on(f.rule)]
        findings += l1_prior_listing(batch, app, entries)
        if on("F1"):
            findings += f1_provincial_green_factory(batch, app, entries)
        if on("F2"):
            findings += f2_evaluation_standard(batch, app)
        if on("F3"):
            findings += f3_energy_priority(batch, app, levels)
        if on("P1"):
            findings += p1_park_conditions(batch, app)
        if on("P2"):
            findings += p2_park_priority(batch, app, entries)
        if on("S1"):
            findings += s1_green_factory(batch, app, entries)
        if on("S2"):
            findings += s2_supply_chain_priority(batch, app, entries)
        findings += [f for f in evaluator_findings(batch, app, evaluator_index, reasons) if on(f.rule)]
        if allocation is not None and index in allocation.beyond:
            findings.append(allocation.beyond[index])
        if on("V4"):
            findings += v4_no_result_promise(batch, app)
        findings += a1_relative_bar(batch, app, averages)
        if on("R1"):
            findings += r1_report_provided(batch, app)
        report = reports.get(app.key)
        if report is not None and on("R2"):
            findings += r2_report_limits(batch, report, app.category)
        results.append(ApplicationResult(application=app, findings=tuple(findings)))

    quotas = tuple(
        UnitResult(
            unit=facts,
            quota=effective_quota(batch, facts),
            computed_quota=quota(batch, facts.provincial_factories),
            findings=tuple(f for f in unit_findings(batch, facts, now) if on(f.rule)),
        )
        for facts in units
        if unit is None or facts.name == unit
    )
    evaluator_results = tuple(
        EvaluatorResult(
            evaluator=e,
            projects=allocation.projects.get(e.entity_uscc, 0) if allocation is not None else 0,
            cap=batch.evaluator_cap,
            reasons=tuple(f for f in reasons[e.uscc] if on(f.rule)),
        )
        for e in evaluators
        if batch.third_party_allowed
    )
    return ScreeningResult(
        batch=batch, applications=tuple(results), quotas=quotas, evaluators=evaluator_results
    )
