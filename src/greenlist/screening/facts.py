"""Builds the rules' plain facts from the database, in a few set-based queries per batch."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from django.db.models import Count

from greenlist.campaign.models import (
    Application,
    Attachment,
    Batch,
    Consultation,
    ExperienceReport,
    UnitSubmission,
)
from greenlist.campaign.workflow import RECOMMENDED_STATES
from greenlist.registry.models import (
    BlacklistEntry,
    Diagnosis,
    Evaluator,
    NegativeRecord,
    ProvincialListEntry,
    RecommendingUnit,
)
from greenlist.rules import facts
from greenlist.rules import report as rules_report
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method, ParkLevel, RecordType

T = TypeVar("T")
CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def application_facts(batch: Batch) -> list[facts.Application]:
    """Every application of the batch (all units: V3 counts across units)."""
    with_report = set(
        Attachment.unscoped.filter(
            application__batch=batch, kind=Attachment.Kind.EXPERIENCE_REPORT
        ).values_list("application_id", flat=True)
    ) | set(
        ExperienceReport.unscoped.filter(application__batch=batch).values_list("application_id", flat=True)
    )
    rows = (
        Application.unscoped.filter(batch=batch)
        .select_related("organisation", "unit", "evaluator")
        .order_by("unit__order", "category", "submitted_at", "id")
    )
    return [
        facts.Application(
            uscc=a.organisation.uscc,
            name=a.organisation.name,
            category=Category(a.category),
            unit=a.unit.name,
            method=Method(a.method),
            industry=a.industry,
            evaluator_uscc=a.evaluator.uscc if a.evaluator else "",
            score=a.score,
            submitted_at=a.submitted_at,
            no_result_promise=a.no_result_promise,
            standard_used=a.evaluation_standard,
            product=a.product,
            unit_energy=a.unit_energy,
            park=facts.ParkFacts(
                level=ParkLevel(a.park_level) if a.park_level else None,
                industrial_share=a.industrial_share,
                manufacturing_and_energy=a.manufacturing_and_energy,
                legal_boundary=a.legal_boundary,
                management_body=a.management_body,
                low_carbon_pilot=a.low_carbon_pilot,
                high_tech_zone=a.high_tech_zone,
                green_factories_inside=a.green_factories_inside,
            ),
            supply_chain=facts.SupplyChainFacts(
                green_factory_suppliers=a.green_factory_suppliers,
                producer_responsibility_pilot=a.producer_responsibility_pilot,
            ),
            has_experience_report=a.pk in with_report,
            key=str(a.pk),
        )
        for a in rows.iterator(chunk_size=2000)
    ]


def _record(row: NegativeRecord, by_name: bool) -> facts.NegativeRecord:
    return facts.NegativeRecord(
        type=RecordType(row.type),
        start=row.start,
        end=row.end,
        uscc=row.uscc,
        name=row.name,
        source=row.source,
        note=row.note,
        matched_by_name=by_name,
    )


def negative_records(applications: Sequence[facts.Application]) -> dict[str, list[facts.NegativeRecord]]:
    """Records per application key: by uscc first; records without uscc by normalised name."""
    from greenlist.rules.names import normalise_name

    keys_by_uscc: dict[str, list[str]] = defaultdict(list)
    keys_by_name: dict[str, list[str]] = defaultdict(list)
    for app in applications:
        keys_by_uscc[app.uscc].append(app.key)
        keys_by_name[normalise_name(app.name)].append(app.key)
    found: dict[str, list[facts.NegativeRecord]] = defaultdict(list)
    fields = ("uscc", "name", "name_normalised", "type", "start", "end", "source", "note")
    for part in chunks(list(keys_by_uscc)):
        for row in NegativeRecord.unscoped.filter(uscc__in=part).only(*fields).iterator(chunk_size=5000):
            for key in keys_by_uscc[row.uscc]:
                found[key].append(_record(row, by_name=False))
    for part in chunks(list(keys_by_name)):
        query = NegativeRecord.unscoped.filter(uscc="", name_normalised__in=part).only(*fields)
        for row in query.iterator(chunk_size=5000):
            for key in keys_by_name[row.name_normalised]:
                found[key].append(_record(row, by_name=True))
    return found


def list_entries(usccs: Iterable[str]) -> list[facts.ListEntry]:
    entries: list[facts.ListEntry] = []
    for part in chunks(sorted(set(usccs))):
        for e in ProvincialListEntry.objects.filter(uscc__in=part).select_related("unit"):
            entries.append(
                facts.ListEntry(
                    uscc=e.uscc,
                    name=e.name,
                    category=Category(e.category),
                    level=ListLevel(e.level),
                    unit=e.unit.name,
                    year=e.year,
                    status=ListStatus(e.status),
                    revoked_on=e.revoked_on,
                )
            )
    return entries


def evaluator_facts() -> list[facts.Evaluator]:
    diagnoses: dict[int, list[facts.Diagnosis]] = defaultdict(list)
    for d in Diagnosis.objects.select_related("evaluator"):
        diagnoses[d.evaluator_id].append(
            facts.Diagnosis(
                evaluator_uscc=d.evaluator.uscc,
                client_uscc=d.client_uscc,
                day=d.day,
                client_province=d.client_province,
            )
        )
    blacklist: dict[str, list[facts.BlacklistEntry]] = defaultdict(list)
    for b in BlacklistEntry.objects.all():
        blacklist[b.evaluator_uscc].append(facts.BlacklistEntry(b.evaluator_uscc, b.listed_on, b.reason))
    return [
        facts.Evaluator(
            uscc=e.uscc,
            name=e.name,
            diagnoses=tuple(diagnoses[e.pk]),
            blacklist=tuple(blacklist[e.uscc]),
            declaration_signed=e.declaration_signed_at is not None,
        )
        for e in Evaluator.objects.order_by("name")
    ]


def unit_facts(batch: Batch) -> list[facts.UnitFacts]:
    provincial = dict(
        ProvincialListEntry.objects.filter(
            category=Category.FACTORY, level=ListLevel.PROVINCIAL, status=ListStatus.ACTIVE
        )
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )
    recommended = dict(
        Application.unscoped.filter(batch=batch, category=Category.FACTORY, state__in=RECOMMENDED_STATES)
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )
    consulted: dict[int, set[str]] = defaultdict(set)
    for unit_id, department in Consultation.unscoped.filter(batch=batch).values_list("unit_id", "department"):
        consulted[unit_id].add(department)
    submissions = {s.unit_id: s for s in UnitSubmission.unscoped.filter(batch=batch)}
    result = []
    for unit in RecommendingUnit.objects.all():
        submission = submissions.get(unit.pk)
        result.append(
            facts.UnitFacts(
                name=unit.name,
                provincial_factories=provincial.get(unit.pk, 0),
                recommended_factories=recommended.get(unit.pk, 0),
                consulted_departments=frozenset(consulted[unit.pk]),
                quota_override=submission.quota_override if submission else None,
                quota_override_reason=submission.quota_override_reason if submission else "",
                reopened_until=submission.reopened_until if submission else None,
            )
        )
    return result


__all__ = ["application_facts", "evaluator_facts", "list_entries", "negative_records", "unit_facts"]


def experience_reports(batch: Batch) -> dict[str, rules_report.ExperienceReport]:
    """Each application's structured report (R2), with its uploaded pictures counted per highlight."""
    pictures: dict[int, Counter[int]] = defaultdict(Counter)
    rows = Attachment.unscoped.filter(application__batch=batch, kind=Attachment.Kind.PICTURE)
    for application_id, slot in rows.values_list("application_id", "slot"):
        if slot is not None:
            pictures[application_id][slot] += 1
    from greenlist.campaign.attachments import to_rules

    return {
        str(report.application_id): to_rules(report, pictures[report.application_id])
        for report in ExperienceReport.unscoped.filter(application__batch=batch)
    }
