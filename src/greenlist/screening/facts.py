"""Builds the rules' plain facts from the database, in a few set-based queries per batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL

from greenlist.campaign.evaluator_cap import not_accepted
from greenlist.campaign.models import (
    PARK_FIELDS,
    SUPPLY_CHAIN_FIELDS,
    Application,
    Attachment,
    Batch,
    CompanyOpinion,
    Consultation,
    ExperienceReport,
    UnitSubmission,
)
from greenlist.campaign.workflow import RECOMMENDED_STATES, State
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


def _applications(
    batch: Batch,
    ids: Collection[int] | None = None,
    units: Collection[str] | None = None,
    categories: Collection[str] | None = None,
) -> QuerySet[Application]:
    query = Application.unscoped.filter(batch=batch)
    if ids is not None:
        query = query.filter(pk__in=ids)
    if units is not None:
        query = query.filter(unit__name__in=units)
    if categories is not None:
        query = query.filter(category__in=categories)
    return query


def application_facts(
    batch: Batch,
    *,
    ids: Collection[int] | None = None,
    units: Collection[str] | None = None,
    categories: Collection[str] | None = None,
) -> list[facts.Application]:
    """The batch's applications: all of them (V3 counts across units), or only ``ids`` or the
    applications of ``units`` and ``categories`` (for re-screening part of a batch or reading
    stored verdicts)."""
    selected = _applications(batch, ids, units, categories)
    with_evaluation = set(
        Attachment.unscoped.filter(
            application__in=selected, kind=Attachment.Kind.EVALUATION_REPORT
        ).values_list("application_id", flat=True)
    )
    with_report = set(
        Attachment.unscoped.filter(
            application__in=selected, kind=Attachment.Kind.EXPERIENCE_REPORT
        ).values_list("application_id", flat=True)
    ) | set(
        ExperienceReport.unscoped.filter(application__in=selected).values_list("application_id", flat=True)
    )
    # Plain tuples rather than model instances: a batch has ten thousand applications and
    # building three model objects per row was most of this function's time.
    rows = selected.order_by("unit__order", "category", "submitted_at", "id").values_list(
        *APPLICATION_COLUMNS
    )
    pending = set(selected.filter(not_accepted()).values_list("pk", flat=True))
    registered = park_green_factories(
        selected.filter(category=Category.PARK).values_list("organisation__uscc", flat=True)
    )
    return [
        facts.Application(
            uscc=uscc,
            name=name,
            category=Category(category),
            unit=unit,
            method=Method(method),
            industry=industry,
            industry_code=industry_code,
            evaluator_uscc=evaluator_uscc or "",
            score=score,
            submitted_at=submitted_at,
            no_result_promise=no_result_promise,
            standard_used=standard_used,
            product=product,
            unit_energy=unit_energy,
            park=facts.ParkFacts(
                level=ParkLevel(park_level) if park_level else None,
                industrial_share=industrial_share,
                manufacturing_and_energy=manufacturing_and_energy,
                legal_boundary=legal_boundary,
                management_body=management_body,
                low_carbon_pilot=low_carbon_pilot,
                high_tech_zone=high_tech_zone,
                green_factories_inside=green_factories_inside,
                green_factories_registered=(
                    None if registered is None or category != Category.PARK else registered.get(uscc, 0)
                ),
            ),
            supply_chain=facts.SupplyChainFacts(
                green_factory_suppliers=green_factory_suppliers,
                producer_responsibility_pilot=producer_responsibility_pilot,
            ),
            has_experience_report=pk in with_report,
            has_evaluation_report=pk in with_evaluation,
            engagement_accepted=pk not in pending,
            key=str(pk),
        )
        for (
            pk,
            uscc,
            name,
            category,
            unit,
            method,
            industry,
            industry_code,
            evaluator_uscc,
            score,
            submitted_at,
            no_result_promise,
            standard_used,
            product,
            unit_energy,
            park_level,
            industrial_share,
            manufacturing_and_energy,
            legal_boundary,
            management_body,
            low_carbon_pilot,
            high_tech_zone,
            green_factories_inside,
            green_factory_suppliers,
            producer_responsibility_pilot,
        ) in rows
    ]


def park_green_factories(parks: Iterable[str]) -> dict[str, int] | None:
    """P2: active green factories (any level) the register places in each park, by the park's
    uscc; ``None`` when no list entry records a park at all (the register cannot say, and the
    applicants' declared counts stand)."""
    codes = list(set(parks))
    if not codes or not ProvincialListEntry.objects.exclude(park_uscc="").exists():
        return None
    counts: dict[str, int] = {}
    for part in chunks(codes):
        counts.update(
            ProvincialListEntry.objects.filter(
                park_uscc__in=part, category=Category.FACTORY, status=ListStatus.ACTIVE
            )
            .values_list("park_uscc")
            .annotate(n=Count("uscc", distinct=True))
        )
    return counts


# The order application_facts unpacks them in.
APPLICATION_COLUMNS = (
    "id",
    "organisation__uscc",
    "organisation__name",
    "category",
    "unit__name",
    "method",
    "industry",
    "industry_code",
    "evaluator__uscc",
    "score",
    "submitted_at",
    "no_result_promise",
    "evaluation_standard",
    "product",
    "unit_energy",
    *PARK_FIELDS,
    *SUPPLY_CHAIN_FIELDS,
)


RECORD_COLUMNS = ("uscc", "name", "name_normalised", "type", "start", "end", "source", "note")
RecordRow = tuple[str, str, str, str, dt.date, dt.date | None, str, str]


def _record(row: RecordRow, by_name: bool) -> facts.NegativeRecord:
    uscc, name, _, type_, start, end, source, note = row
    return facts.NegativeRecord(
        type=RecordType(type_),
        start=start,
        end=end,
        uscc=uscc,
        name=name,
        source=source,
        note=note,
        matched_by_name=by_name,
    )


def _text_array(keys: list[str]) -> tuple[str, str | list[str]]:
    """SQL for a text[] of ``keys`` and its parameter. One newline-joined string split by the
    server costs a fifth of psycopg quoting ten thousand array elements; codes and normalised
    names never hold a newline, and anything else still goes as an array."""
    if any("\n" in key for key in keys):
        return "%s::text[]", keys
    return "string_to_array(%s, E'\\n')", "\n".join(keys)


def _postgres_records(column: str, keys: list[str], *, without_uscc: bool) -> list[RecordRow]:
    """Records whose ``column`` is one of ``keys``: one query, one index probe per key.

    The keys travel as one array; the LATERAL subquery (OFFSET 0 keeps the planner from
    flattening it) makes each key an index lookup. Left to itself the planner misjudges how many
    rows a key matches (uscc "" is the commonest value of millions) and picks hash joins over the
    whole table or JIT compilation, ten to thirty times slower for a few hundred rows. Newest
    first, as the model's default ordering gives the ORM path.
    """
    table = connection.ops.quote_name(NegativeRecord._meta.db_table)
    quote = connection.ops.quote_name
    selected = ", ".join(f"r.{quote(c)}" for c in RECORD_COLUMNS)
    blank = f" AND r.{quote('uscc')} = ''" if without_uscc else ""
    array, param = _text_array(keys)
    with transaction.atomic(), connection.cursor() as cursor:
        # LOCAL: ends with this transaction (with the caller's, when screening runs inside one).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT {selected} FROM unnest({array}) AS k(key) CROSS JOIN LATERAL"
            f" (SELECT * FROM {table} r WHERE r.{quote(column)} = k.key{blank} OFFSET 0) AS r"
            f" ORDER BY r.{quote('start')} DESC",
            [param],
        )
        return list(cursor.fetchall())


def _records(column: str, keys: list[str], *, without_uscc: bool) -> Iterator[RecordRow]:
    if connection.vendor == "postgresql":
        yield from _postgres_records(column, keys, without_uscc=without_uscc)
        return
    for part in chunks(keys):
        query = NegativeRecord.unscoped.filter(**{f"{column}__in": part})
        if without_uscc:
            query = query.filter(uscc="")
        yield from query.values_list(*RECORD_COLUMNS)


def negative_records(applications: Sequence[facts.Application]) -> dict[str, list[facts.NegativeRecord]]:
    """Records per application key: by uscc first; records without uscc by normalised name, the
    firm's current name or any name the register knows it by before a rename."""
    from greenlist.registry.register import former_names
    from greenlist.rules.names import normalise_name

    keys_by_uscc: dict[str, list[str]] = defaultdict(list)
    keys_by_name: dict[str, list[str]] = defaultdict(list)
    for app in applications:
        keys_by_uscc[app.uscc].append(app.key)
        keys_by_name[normalise_name(app.name)].append(app.key)
    for uscc, names in former_names(keys_by_uscc).items():
        for name in names:
            for key in keys_by_uscc[uscc]:
                if key not in keys_by_name[name]:
                    keys_by_name[name].append(key)
    found: dict[str, list[facts.NegativeRecord]] = defaultdict(list)
    for row in _records("uscc", list(keys_by_uscc), without_uscc=False):
        for key in keys_by_uscc[row[0]]:
            found[key].append(_record(row, by_name=False))
    for row in _records("name_normalised", list(keys_by_name), without_uscc=True):
        for key in keys_by_name[row[2]]:
            found[key].append(_record(row, by_name=True))
    return found


def list_entries(usccs: Iterable[str]) -> list[facts.ListEntry]:
    codes = sorted(set(usccs))
    columns = ("uscc", "name", "category", "level", "unit__name", "year", "status", "revoked_on")
    if connection.vendor == "postgresql":
        # One query with the codes as an array, instead of an IN list per 900 codes.
        column = f"{connection.ops.quote_name(ProvincialListEntry._meta.db_table)}.{connection.ops.quote_name('uscc')}"
        array, param = _text_array(codes)
        parts: Iterable[QuerySet[ProvincialListEntry, tuple[Any, ...]]] = [
            ProvincialListEntry.objects.filter(
                RawSQL(f"{column} = ANY({array})", (param,), output_field=BooleanField())
            ).values_list(*columns)
        ]
    else:
        parts = (
            ProvincialListEntry.objects.filter(uscc__in=part).values_list(*columns) for part in chunks(codes)
        )
    return [
        facts.ListEntry(
            uscc=uscc,
            name=name,
            category=Category(category),
            level=ListLevel(level),
            unit=unit,
            year=year,
            status=ListStatus(status),
            revoked_on=revoked_on,
        )
        for part in parts
        for uscc, name, category, level, unit, year, status, revoked_on in part
    ]


def evaluator_facts(usccs: Collection[str] | None = None) -> list[facts.Evaluator]:
    """Every evaluator with its diagnoses and blacklist entries, or only those of ``usccs`` and
    every evaluator of the same legal entities (V1–V3 judge the legal entity with its branches)."""
    if usccs is not None:
        from greenlist.campaign.evaluator_cap import members_of

        usccs = members_of(set(usccs))
    evaluators = Evaluator.objects.order_by("name")
    diagnosed = Diagnosis.objects.select_related("evaluator")
    blacklisted = BlacklistEntry.objects.all()
    if usccs is not None:
        evaluators = evaluators.filter(uscc__in=usccs)
        diagnosed = diagnosed.filter(evaluator__uscc__in=usccs)
        blacklisted = blacklisted.filter(evaluator_uscc__in=usccs)
    diagnoses: dict[int, list[facts.Diagnosis]] = defaultdict(list)
    for d in diagnosed:
        diagnoses[d.evaluator_id].append(
            facts.Diagnosis(
                evaluator_uscc=d.evaluator.uscc,
                client_uscc=d.client_uscc,
                day=d.day,
                client_province=d.client_province,
            )
        )
    blacklist: dict[str, list[facts.BlacklistEntry]] = defaultdict(list)
    for b in blacklisted:
        blacklist[b.evaluator_uscc].append(facts.BlacklistEntry(b.evaluator_uscc, b.listed_on, b.reason))
    return [
        facts.Evaluator(
            uscc=e.uscc,
            name=e.name,
            diagnoses=tuple(diagnoses[e.pk]),
            blacklist=tuple(blacklist[e.uscc]),
            legal_entity_uscc=e.legal_entity_uscc,
        )
        for e in evaluators
    ]


def departments_opining_on_every_company(batch: Batch) -> dict[int, set[str]]:
    """Per unit, the departments that gave their opinion on every application of its draft list
    (C1: their opinions per company are their opinion on the list)."""
    draft: dict[int, set[int]] = defaultdict(set)
    for unit_id, pk in Application.unscoped.filter(batch=batch, state=State.CITY_RECOMMENDED).values_list(
        "unit_id", "pk"
    ):
        draft[unit_id].add(pk)
    given: dict[tuple[int, str], set[int]] = defaultdict(set)
    for unit_id, department, pk in CompanyOpinion.unscoped.filter(
        application__batch=batch, application__state=State.CITY_RECOMMENDED
    ).values_list("application__unit_id", "department", "application_id"):
        given[(unit_id, department)].add(pk)
    result: dict[int, set[str]] = defaultdict(set)
    for (unit_id, department), ids in given.items():
        if draft[unit_id] and ids >= draft[unit_id]:
            result[unit_id].add(department)
    return result


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
    dissent: dict[int, set[str]] = defaultdict(set)
    for unit_id, department, agrees, handling in Consultation.unscoped.filter(batch=batch).values_list(
        "unit_id", "department", "agrees", "handling"
    ):
        consulted[unit_id].add(department)
        if not agrees and not handling.strip():
            dissent[unit_id].add(department)
    for unit_id, departments in departments_opining_on_every_company(batch).items():
        consulted[unit_id] |= departments
    # A department's 不同意 on one company counts as its dissent until the city records how it
    # was handled (C1), like its opinion on the whole list.
    for unit_id, department in CompanyOpinion.unscoped.filter(
        application__batch=batch, agrees=False, handling=""
    ).values_list("application__unit_id", "department"):
        dissent[unit_id].add(department)
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
                unhandled_dissent=frozenset(dissent[unit.pk]),
                quota_override=submission.quota_override if submission else None,
                quota_override_reason=submission.quota_override_reason if submission else "",
                reopened_until=submission.reopened_until if submission else None,
            )
        )
    return result


def regional_averages(batch: Batch) -> dict[str, facts.RegionalAverage | None]:
    """A1: per category of the batch's relative bar, the register's average score of the
    province's active units at the bar's level (``registry.standing.regional_average``); None for
    a category whose units have no score. Empty for a batch without a relative bar."""
    from greenlist.registry.standing import regional_average

    bar = batch.parameters.relative_bar
    if bar is None:
        return {}
    averages: dict[str, facts.RegionalAverage | None] = {}
    for code in bar.categories:
        found = regional_average(Category(code), ListLevel(bar.level))
        averages[code] = (
            None
            if found is None
            else facts.RegionalAverage(
                category=Category(code),
                level=ListLevel(bar.level),
                year=found.year,
                average=found.average,
                units=found.units,
            )
        )
    return averages


__all__ = [
    "application_facts",
    "evaluator_facts",
    "list_entries",
    "negative_records",
    "regional_averages",
    "unit_facts",
]


def experience_reports(
    batch: Batch, *, ids: Collection[int] | None = None
) -> dict[str, rules_report.ExperienceReport]:
    """Each application's structured report (R2), with its uploaded pictures counted per highlight."""
    selected = _applications(batch, ids)
    pictures: dict[int, Counter[int]] = defaultdict(Counter)
    rows = Attachment.unscoped.filter(application__in=selected, kind=Attachment.Kind.PICTURE)
    for application_id, slot in rows.values_list("application_id", "slot"):
        if slot is not None:
            pictures[application_id][slot] += 1
    from greenlist.campaign.attachments import to_rules

    return {
        str(report.application_id): to_rules(report, pictures[report.application_id])
        for report in ExperienceReport.unscoped.filter(application__in=selected)
    }
