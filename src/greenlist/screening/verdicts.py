"""Screening runs and the verdicts they store.

A run screens what changed since the last one (or everything, after an import, a change of the
rules or parameters, or when nothing was ever screened), applies the rulings people made on
judgement findings, and stores one verdict per application and one per evaluator. Readers take the
stored verdicts with the run's time and data version; unit findings (Q1, C1, D1) depend on the
clock and a dozen counts, so they are computed when read. A decision re-screens its application
first when the stored verdict is older than the data (:func:`decision_findings`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from greenlist.campaign.evaluator_cap import counted_projects, members_of, not_accepted
from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import Evaluator
from greenlist.registry.reference import current_energy_levels
from greenlist.rules import facts as rule_facts
from greenlist.rules.catalogue import RULES
from greenlist.rules.evaluators import evaluator_reasons, legal_entities, v3_next_project
from greenlist.rules.findings import Finding
from greenlist.rules.screening import ApplicationResult, EvaluatorResult, ScreeningResult, screen
from greenlist.rules.vocabulary import Effect
from greenlist.scoping import unscoped
from greenlist.screening import facts
from greenlist.screening.models import BatchState, Demand, EvaluatorVerdict, Ruling, ScreeningRun, Verdict
from greenlist.screening.versions import state

_RUN_LOCK = 20240720  # PostgreSQL advisory lock: one run per database at a time
FORMAT = "verdicts/1"  # bump when the stored shape changes: every batch is then screened anew


def catalogue_version(batch: Batch) -> str:
    """The rules and the batch file a verdict was reached under; a change means a full run."""
    payload = "|".join([FORMAT, batch.file_sha256, *(rule.id for rule in RULES)])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


# --- computing ---------------------------------------------------------------------------------


def affected(batch: Batch, demands: Iterable[Demand]) -> set[int] | None:
    """The applications the demands can affect, or ``None`` for all of them."""
    ids: set[int] = set()
    usccs: set[str] = set()
    names: set[str] = set()
    evaluators: set[int] = set()
    for demand in demands:
        if demand.full:
            return None
        ids.update(demand.subjects.get("applications", ()))
        usccs.update(demand.subjects.get("usccs", ()))
        names.update(demand.subjects.get("names", ()))
        evaluators.update(demand.subjects.get("evaluators", ()))
    in_batch = Application.unscoped.filter(batch=batch)
    if usccs or names:
        firms = Q(organisation__uscc__in=usccs) | Q(organisation__name_normalised__in=names)
        ids.update(in_batch.filter(firms).values_list("pk", flat=True))
    if evaluators:
        ids.update(in_batch.filter(evaluator_id__in=evaluators).values_list("pk", flat=True))
    return _with_evaluator_siblings(batch, ids)


def _with_evaluator_siblings(batch: Batch, ids: set[int]) -> set[int]:
    """V3 shares each legal entity's cap among all its projects, its branches' included: they are
    screened together."""
    if not ids:
        return ids
    codes = set(
        Application.unscoped.filter(pk__in=ids, evaluator__isnull=False).values_list(
            "evaluator__uscc", flat=True
        )
    )
    if not codes:
        return ids
    return ids | set(
        Application.unscoped.filter(batch=batch, evaluator__uscc__in=members_of(codes)).values_list(
            "pk", flat=True
        )
    )


def compute(batch: Batch, ids: Collection[int] | None, now: dt.datetime | None = None) -> ScreeningResult:
    """Run every rule over the batch, or over the applications ``ids`` (which must include every
    project of their evaluators), with the rulings in force applied. Reads only."""
    with unscoped():
        applications = facts.application_facts(batch, ids=ids)
        evaluator_codes = (
            None if ids is None else {a.evaluator_uscc for a in applications if a.evaluator_uscc}
        )
        result = screen(
            batch.parameters,
            applications,
            facts.negative_records(applications),
            facts.list_entries(a.uscc for a in applications),
            facts.evaluator_facts(evaluator_codes),
            current_energy_levels(),
            [],  # unit findings depend on the clock: computed when read, never stored
            now or timezone.now(),
            reports=facts.experience_reports(batch, ids=ids),
            averages=facts.regional_averages(batch),
        )
        return _apply_rulings(result)


def _apply_rulings(result: ScreeningResult) -> ScreeningResult:
    keys = [int(item.key) for item in result.applications]
    rulings = {
        (r.application_id, r.fingerprint): r
        for r in Ruling.objects.filter(application_id__in=keys, reversed_at__isnull=True)
    }
    if not rulings:
        return result

    def ruled(item: ApplicationResult) -> ApplicationResult:
        findings = []
        for finding in item.findings:
            ruling = rulings.get((int(item.key), finding.fingerprint))
            if ruling is not None:
                finding = dataclasses.replace(finding, ruling=ruling.decision, ruling_note=ruling.reason)
            findings.append(finding)
        return dataclasses.replace(item, findings=tuple(findings))

    return dataclasses.replace(result, applications=tuple(ruled(item) for item in result.applications))


def evaluator_standing(batch: Batch, evaluator: Evaluator, *, exclude: int | None = None) -> list[Finding]:
    """Whether ``evaluator`` can take one more project now: V1 and V2 on its legal entity (with all
    branches), and V3 when the entity's counted projects (other than ``exclude``) already fill the
    cap: the same set the guard and screening count. Live: an applicant's choice is checked
    against the registry as it is."""
    params = batch.parameters
    with unscoped():
        found = facts.evaluator_facts([evaluator.uscc])
        projects = counted_projects(batch, evaluator)
        if exclude is not None:
            projects = projects.exclude(pk=exclude)
        taken = projects.count()
    entity = legal_entities(found).get(evaluator.entity_uscc)
    reasons = evaluator_reasons(params, entity) if entity else []
    return [*reasons, *v3_next_project(params, f"{evaluator.name}（{evaluator.uscc}）", taken)]


def evaluator_marks(batch: Batch, *, exclude: int | None = None) -> dict[int, str]:
    """For the applicant's evaluator dropdown: each registered evaluator that cannot take one more
    project now, by id, with a short Chinese reason (blacklisted or no diagnosis, V1/V2; its legal
    entity's accepted projects fill the cap, V3). The same tests as :func:`evaluator_standing`, for
    every evaluator in a few queries."""
    params = batch.parameters
    if not params.third_party_allowed:
        return {}  # self-evaluation only: no evaluator can be chosen at all
    with unscoped():
        rows = list(Evaluator.objects.all())
        entities = legal_entities(facts.evaluator_facts([e.uscc for e in rows]))
        projects = Application.unscoped.filter(
            batch=batch, method="third_party", submitted_at__isnull=False, evaluator__isnull=False
        ).exclude(not_accepted())
        if exclude is not None:
            projects = projects.exclude(pk=exclude)
        taken: dict[str, int] = {}
        for legal, code in projects.values_list("evaluator__legal_entity_uscc", "evaluator__uscc"):
            taken[legal or code] = taken.get(legal or code, 0) + 1
    marks = {}
    for evaluator in rows:
        code = evaluator.entity_uscc
        entity = entities.get(code)
        reasons = {f.rule for f in evaluator_reasons(params, entity)} if entity else set()
        said = []
        if "V2" in reasons:
            said.append("已列入黑名单，不予采信")
        if "V1" in reasons:
            said.append("近三年无省内免费节能诊断记录，不予采信")
        if taken.get(code, 0) >= params.evaluator_cap:
            said.append(f"本批次项目已满（{taken.get(code, 0)}/{params.evaluator_cap}）")
        if said:
            marks[evaluator.pk] = "；".join(said)
    return marks


# --- storing -----------------------------------------------------------------------------------


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "clause": finding.clause,
        "message": finding.message,
        "effect": finding.effect.value,
        "evidence": finding.evidence,
        "ruling": finding.ruling,
        "ruling_note": finding.ruling_note,
    }


def finding_from_json(data: dict[str, Any]) -> Finding:
    return Finding(
        rule=data["rule"],
        clause=data["clause"],
        message=data["message"],
        effect=Effect(data["effect"]),
        evidence=data.get("evidence") or {},
        ruling=data.get("ruling", ""),
        ruling_note=data.get("ruling_note", ""),
    )


def store(
    batch: Batch, result: ScreeningResult, *, kind: str, version: int, started: dt.datetime
) -> ScreeningRun:
    """Write the verdicts of ``result`` and the run that reached them. Side effects: one run row,
    an upsert per application and per evaluator screened."""
    finished = timezone.now()
    excluded = sum(1 for item in result.applications if not item.eligible)
    run = ScreeningRun.objects.create(
        batch=batch,
        kind=kind,
        status=ScreeningRun.Status.DONE,
        data_version=version,
        catalogue_version=catalogue_version(batch),
        started_at=started,
        finished_at=finished,
        counts={"applications": len(result.applications), "excluded": excluded},
    )
    Verdict.objects.bulk_create(
        [
            Verdict(
                application_id=int(item.key),
                run=run,
                eligible=item.eligible,
                findings=[finding_json(f) for f in item.findings],
                screened_at=finished,
            )
            for item in result.applications
        ],
        update_conflicts=True,
        unique_fields=["application"],
        update_fields=["run", "eligible", "findings", "screened_at"],
        batch_size=1000,
    )
    evaluator_ids = dict(
        Evaluator.objects.filter(uscc__in=[e.evaluator.uscc for e in result.evaluators]).values_list(
            "uscc", "id"
        )
    )
    EvaluatorVerdict.objects.bulk_create(
        [
            EvaluatorVerdict(
                batch=batch,
                evaluator_id=evaluator_ids[e.evaluator.uscc],
                run=run,
                projects=e.projects,
                cap=e.cap,
                reasons=[finding_json(f) for f in e.reasons],
            )
            for e in result.evaluators
        ],
        update_conflicts=True,
        unique_fields=["batch", "evaluator"],
        update_fields=["run", "projects", "cap", "reasons"],
        batch_size=1000,
    )
    return run


def _lock_runs() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RUN_LOCK])


def run_pending(batch: Batch, *, full: bool = False) -> ScreeningRun | None:
    """Bring the batch's verdicts up to its data version: re-screen what the pending changes can
    affect, or everything. Returns the run, or ``None`` when nothing was pending."""
    with transaction.atomic():
        _lock_runs()
        current = state(batch)
        target, catalogue = current.data_version, catalogue_version(batch)
        ever = bool(current.catalogue_version)  # set by the first run
        if (
            not full
            and ever
            and current.screened_version >= target
            and current.catalogue_version == catalogue
        ):
            return None
        started = timezone.now()
        pending = Demand.objects.filter(batch=batch, version__lte=target)
        ids = None if full or not ever or current.catalogue_version != catalogue else affected(batch, pending)
        result = compute(batch, ids)
        run = store(
            batch,
            result,
            kind=ScreeningRun.Kind.FULL if ids is None else ScreeningRun.Kind.PARTIAL,
            version=target,
            started=started,
        )
        pending.delete()
        BatchState.objects.filter(batch=batch, screened_version__lte=target).update(
            screened_version=target, catalogue_version=catalogue
        )
    return run


def decision_findings(application: Application) -> tuple[Finding, ...]:
    """The findings a decision on ``application`` must honour: the stored verdict when it is
    current, otherwise a fresh screening of the application (stored as a run of its own)."""
    batch = application.batch
    current = state(batch)
    verdict = Verdict.objects.filter(application=application).first()
    if verdict is not None and not current.stale and current.catalogue_version == catalogue_version(batch):
        return tuple(finding_from_json(f) for f in verdict.findings)
    started = timezone.now()
    result = compute(batch, _with_evaluator_siblings(batch, {application.pk}))
    store(batch, result, kind=ScreeningRun.Kind.DECISION, version=current.data_version, started=started)
    return next(item.findings for item in result.applications if item.key == str(application.pk))


def current(
    batch: Batch,
    *,
    unit_names: Sequence[str] | None = None,
    ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> StoredScreening:
    """The verdicts a decision or an official document must honour: what is pending is screened
    first (a partial run, seconds at most after an import), then the stored verdicts are read.
    Pages use :func:`stored` and say 正在更新 instead."""
    current_state = state(batch)
    if current_state.stale or current_state.catalogue_version != catalogue_version(batch):
        run_pending(batch)
    return stored(batch, unit_names=unit_names, ids=ids, now=now)


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredScreening:
    """Stored verdicts as a :class:`ScreeningResult`, with when and on what they were reached."""

    result: ScreeningResult
    run: ScreeningRun | None  # the latest run of the batch
    data_version: int
    screened_version: int

    @property
    def stale(self) -> bool:
        """A newer version of the data is waiting to be screened (pages say 正在更新)."""
        return self.screened_version < self.data_version

    @property
    def screened_at(self) -> dt.datetime | None:
        return self.run.finished_at if self.run else None


def stored(
    batch: Batch,
    *,
    unit_names: Sequence[str] | None = None,
    ids: Collection[int] | None = None,
    categories: Collection[str] | None = None,
    now: dt.datetime | None = None,
) -> StoredScreening:
    """The stored verdicts of the batch's applications (of ``unit_names``, ``ids`` or
    ``categories`` when given), every evaluator's standing, and the units' findings as of ``now``."""
    ever = ScreeningRun.objects.filter(batch=batch, status=ScreeningRun.Status.DONE).exists()
    if settings.GREENLIST_SCREENING_ON_READ or not ever:
        # Without a worker (tests, one-process tools) the reader catches up itself; with one,
        # only the very first run of a batch is made here.
        run_pending(batch)
    with unscoped():
        applications = facts.application_facts(batch, ids=ids, units=unit_names, categories=categories)
        verdicts = dict(
            Verdict.objects.filter(application__in=[int(a.key) for a in applications]).values_list(
                "application_id", "findings"
            )
        )
        missing = {int(a.key) for a in applications} - set(verdicts)
        if missing:  # created since the last run: screened now, the worker's run follows
            with transaction.atomic():
                result = compute(batch, _with_evaluator_siblings(batch, missing))
                store(
                    batch,
                    result,
                    kind=ScreeningRun.Kind.PARTIAL,
                    version=state(batch).screened_version,
                    started=timezone.now(),
                )
            verdicts.update({int(i.key): [finding_json(f) for f in i.findings] for i in result.applications})
        units = facts.unit_facts(batch)
        if unit_names is not None:
            units = [u for u in units if u.name in set(unit_names)]
        quotas = screen(batch.parameters, [], {}, [], [], {}, units, now or timezone.now()).quotas
        evaluators = tuple(
            EvaluatorResult(
                evaluator=rule_facts.Evaluator(uscc=v.evaluator.uscc, name=v.evaluator.name),
                projects=v.projects,
                cap=v.cap,
                reasons=tuple(finding_from_json(f) for f in v.reasons),
            )
            for v in EvaluatorVerdict.objects.filter(batch=batch)
            .select_related("evaluator")
            .order_by("evaluator__name")
        )
    result = ScreeningResult(
        batch=batch.parameters,
        applications=tuple(
            ApplicationResult(a, tuple(finding_from_json(f) for f in verdicts[int(a.key)]))
            for a in applications
        ),
        quotas=quotas,
        evaluators=evaluators,
    )
    current = state(batch)
    return StoredScreening(
        result=result,
        run=ScreeningRun.objects.filter(batch=batch, status=ScreeningRun.Status.DONE).first(),
        data_version=current.data_version,
        screened_version=current.screened_version,
    )
