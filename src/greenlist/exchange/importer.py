"""Imports the exchange workbook into the registry and the campaign, all or nothing.

Every row of every recognised sheet is parsed and checked; rows are written in chunks inside one
transaction, and any bad row anywhere rolls the whole import back, so a file with one bad row
changes nothing. Rows are upserted by their natural key (uscc first).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from greenlist.audit.changes import apply_changes
from greenlist.audit.log import record, record_many
from greenlist.audit.models import Action
from greenlist.campaign.evaluator_cap import counted_projects, lock_entity
from greenlist.campaign.models import Application, Batch, Engagement, industry_code_of
from greenlist.campaign.workflow import IMPORT_EDITABLE_STATES, State
from greenlist.exchange import bulk
from greenlist.exchange.reader import RowError, SheetSource, WorkbookError, header_errors, open_sources, parse
from greenlist.exchange.sheets import APPLICATIONS, NEGATIVE_RECORDS, Sheet
from greenlist.registry.models import (
    BlacklistEntry,
    Diagnosis,
    Evaluator,
    FormerName,
    NegativeRecord,
    Organisation,
    ProvincialListEntry,
    RecommendingUnit,
    RegisterEvent,
)
from greenlist.registry.sync import load_province
from greenlist.rules.evaluators import v3_next_project
from greenlist.rules.industries import load_industries
from greenlist.rules.names import normalise_name
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method
from greenlist.scoping import unscoped
from greenlist.screening import versions

CHUNK = 2000
BRANCH_SUFFIXES = ("分公司", "分支机构")
MAX_REPORTED_ERRORS = 1000
Progress = Callable[[str, int, int | None], None]


class _Rollback(Exception):
    pass


@dataclass
class ImportReport:
    file: str
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    name_matches: list[dict[str, str]] = field(default_factory=list)
    # Facts worth a look that are not errors (e.g. a firm registered in another province).
    notes: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_errors(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.error_count += 1
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(error)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": self.ok,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "counts": {sheet: dict(counter) for sheet, counter in self.counts.items()},
            "name_matches": self.name_matches,
            "notes": [n.as_dict() for n in self.notes[:MAX_REPORTED_ERRORS]],
        }


@dataclass
class _Context:
    batch: Batch
    actor: Any
    only_unit: RecommendingUnit | None
    units: dict[str, RecommendingUnit]
    evaluators: dict[str, int]  # uscc → id (existing plus this file's)
    report: ImportReport
    region_prefix: str = ""  # the province's division-code prefix (applicants are local firms)
    seen: dict[str, dict[Any, int]] = field(default_factory=dict)  # sheet → key → first row
    # V3 at write time: legal entity uscc → the (uscc, category) of its counted projects
    # (campaign.evaluator_cap), as the database holds them plus this file's rows so far; and which
    # legal entity this file gave a project.
    evaluator_loads: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    assigned: dict[tuple[str, str], str | None] = field(default_factory=dict)
    headers: dict[str, set[str]] = field(default_factory=dict)  # sheet → headers present in the file
    evaluator_rows: dict[str, Evaluator | None] = field(default_factory=dict)  # uscc → row, as read

    def unit(self, name: str) -> RecommendingUnit | None:
        return self.units.get(name) or self.units.get(f"{name}市")


def import_workbook(
    path: Path,
    *,
    batch: Batch,
    actor: Any = None,
    only_unit: RecommendingUnit | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path``. Side effects (only when every row is good): upserts registry rows and
    applications, and appends audit events (one per new application, one for the import)."""
    report = ImportReport(file=path.name)
    try:
        sources = open_sources(path)
    except WorkbookError as exc:
        report.add_errors([RowError("文件", 0, "", str(exc))])
        return report
    with unscoped():
        context = _Context(
            batch=batch,
            actor=actor,
            only_unit=only_unit,
            units={u.name: u for u in RecommendingUnit.objects.all()},
            evaluators=dict(Evaluator.objects.values_list("uscc", "id")),
            report=report,
            region_prefix=str(load_province().get("region_prefix", "")),
        )
        try:
            with transaction.atomic():
                for source in sources:
                    _import_sheet(source, context, progress)
                if not report.ok:
                    raise _Rollback
                report.name_matches = _name_matches(only_unit)
                versions.changed(full=True)  # bulk writes send no signals: screen everything anew
                record(
                    actor=actor,
                    action=Action.REGISTRY_IMPORT,
                    object_type="workbook",
                    object_label=path.name,
                    unit=only_unit,
                    details={"counts": report.as_dict()["counts"]},
                )
        except _Rollback:
            pass
        except WorkbookError as exc:
            report.add_errors([RowError("文件", 0, "", str(exc))])
    return report


def _import_sheet(source: SheetSource, context: _Context, progress: Progress | None) -> None:
    sheet = source.sheet
    report = context.report
    report.counts[sheet.name] = Counter()
    context.headers[sheet.name] = set(source.headers)
    problems = header_errors(source)
    if context.only_unit is not None and sheet is not APPLICATIONS:
        problems.append(RowError(sheet.name, 1, "", "该工作表仅省厅可导入；推荐单位只能导入“申报”工作表"))
    if problems:
        report.add_errors(problems)
        return
    writer = WRITERS[sheet.name]
    # The COPY path for negative records amortises its per-statement cost over bigger chunks.
    size = bulk.CHUNK if sheet is NEGATIVE_RECORDS and bulk.available() else CHUNK
    chunk: list[tuple[int, dict[str, Any]]] = []
    done = 0
    checker = CHECKERS.get(sheet.name)

    def flush(rows: list[tuple[int, dict[str, Any]]]) -> None:
        # Checks that need the database run on every chunk, so every bad row is reported even
        # after the first error; writing stops at the first one (the whole import rolls back).
        if checker is not None:
            report.add_errors(checker(rows, context))
        if report.ok:
            writer(rows, context)

    for number, row, errors in parse(source):
        done += 1
        if row is not None:
            errors = _check_references(sheet, number, row, context)
        if errors:
            report.add_errors(errors)
        elif report.ok or checker is not None:
            chunk.append((number, row))  # type: ignore[arg-type]
            if len(chunk) >= size:
                flush(chunk)
                chunk = []
        if progress and done % CHUNK == 0:
            progress(sheet.name, done, source.total)
    if chunk:
        flush(chunk)
    if progress:
        progress(sheet.name, done, source.total)


def _key(sheet: Sheet, row: dict[str, Any]) -> Any:
    match sheet.name:
        case "申报":
            return row["uscc"], row["category"]
        case "省级名单":
            return row["uscc"], row["category"], row["level"]
        case "负面记录":
            return NegativeRecord.make_key(
                row["uscc"], normalise_name(row["name"]), row["type"], row["start"]
            )
        case "节能诊断":
            return row["evaluator_uscc"], row["client_uscc"], row["day"]
        case "机构黑名单":
            return row["evaluator_uscc"], row["listed_on"]
        case _:
            return row["uscc"]


def _check_references(sheet: Sheet, number: int, row: dict[str, Any], context: _Context) -> list[RowError]:
    errors = []
    if (
        sheet is APPLICATIONS
        and context.region_prefix
        and not row["uscc"][2:8].startswith(context.region_prefix)
    ):
        # A uscc never changes when a firm moves, so a code issued elsewhere is no reason to refuse.
        context.report.notes.append(
            RowError(
                sheet.name,
                number,
                "统一社会信用代码",
                f"登记管理机关行政区划码“{row['uscc'][2:8]}”不属于本省：该单位可能由外省迁入，"
                "已照常导入，请核实其注册地与生产经营地",
            )
        )
    if sheet is APPLICATIONS:
        errors += _check_batch_shape(number, row, context)
        _classify_industry(sheet, number, row, context)
    if "unit" in row:
        unit = context.unit(row["unit"])
        if unit is None:
            errors.append(
                RowError(
                    sheet.name,
                    number,
                    "推荐单位",
                    f"推荐单位“{row['unit']}”不存在，可选：{'、'.join(context.units)}",
                )
            )
        elif context.only_unit is not None and unit != context.only_unit:
            errors.append(
                RowError(
                    sheet.name,
                    number,
                    "推荐单位",
                    f"只能导入本单位（{context.only_unit.name}）的数据，本行属于{unit.name}",
                )
            )
    if sheet.name in ("申报", "节能诊断") and row.get("evaluator_uscc"):
        header = "第三方机构统一社会信用代码" if sheet.name == "申报" else "机构统一社会信用代码"
        if row["evaluator_uscc"] not in context.evaluators:
            errors.append(
                RowError(
                    sheet.name,
                    number,
                    header,
                    f"第三方机构 {row['evaluator_uscc']} 未登记：请先在“第三方机构”工作表中列出",
                )
            )
    if sheet.name == "第三方机构":
        context.evaluators.setdefault(row["uscc"], 0)
        if not row["legal_entity_uscc"] and row["name"].rstrip().endswith(BRANCH_SUFFIXES):
            context.report.notes.append(
                RowError(
                    sheet.name,
                    number,
                    "所属法人统一社会信用代码",
                    f"“{row['name']}”是分公司或分支机构，但未填写所属法人统一社会信用代码：第三方机构按同一法人"
                    "合并计算评价项目上限（V3）和诊断、黑名单（V1、V2），请补填其法人的统一社会信用代码",
                )
            )
    seen = context.seen.setdefault(sheet.name, {})
    key = _key(sheet, row)
    if key in seen:
        errors.append(RowError(sheet.name, number, "", f"与第{seen[key]}行重复（同一记录只能出现一次）"))
    else:
        seen[key] = number
    return errors


def _check_batch_shape(number: int, row: dict[str, Any], context: _Context) -> list[RowError]:
    """The batch's campaign kind: a category it does not take, or an evaluation method it does
    not allow, is refused with the batch's own terms (e.g. 2025: factories and parks, self only)."""
    params = context.batch.parameters
    errors = []
    if not params.allows_category(row["category"]):
        allowed = "、".join(Category(code).label for code in params.categories)
        errors.append(
            RowError(
                APPLICATIONS.name,
                number,
                "申报类别",
                f"{params.title}只受理{allowed}，不受理“{Category(row['category']).label}”：请删除本行，"
                "或改在受理该类别的批次中导入",
            )
        )
    if not params.allows_method(row["method"]):
        allowed = "、".join(Method(code).label for code in params.methods)
        errors.append(
            RowError(
                APPLICATIONS.name,
                number,
                "评价方式",
                f"{params.title}的评价方式只能是{allowed}，不受理“{Method(row['method']).label}”："
                f"请改为{allowed}并按要求上传佐证材料",
            )
        )
    elif row["method"] == Method.THIRD_PARTY and not row["evaluator_uscc"]:
        errors.append(
            RowError(
                APPLICATIONS.name,
                number,
                "第三方机构统一社会信用代码",
                "评价方式为第三方评价时必须填写第三方机构统一社会信用代码",
            )
        )
    return errors


def _classify_industry(sheet: Sheet, number: int, row: dict[str, Any], context: _Context) -> None:
    """行业 may be a GB/T 4754-2017 code or a name: record the code (a code also gets its name);
    an industry the classification does not know is imported as written and reported by row."""
    table = load_industries()
    codes = table.resolve(row["industry"]) if row["industry"] else ()
    if row["industry"] and row["industry"].strip().lstrip("ABCDEFGHIJKLMNOPQRST").isdigit() and codes:
        row["industry_code"], row["industry"] = codes[0], table.name(codes[0])
    else:
        row["industry_code"] = industry_code_of(row["industry"])
    if row["industry"] and not codes:
        context.report.notes.append(
            RowError(
                sheet.name,
                number,
                "行业",
                f"行业“{row['industry']}”不是国民经济行业分类（GB/T 4754-2017）的代码或名称，已按原文导入；"
                "行业标准（F2）、重点行业（F3）和优先行业（S2）无法据此判断，请改填行业代码（如 34）或名称（如 通用设备制造业）",
            )
        )


def _upsert(
    model: type[models.Model],
    rows: Sequence[models.Model],
    unique: list[str],
    update: list[str],
    existing: Iterable[Any],
    counter: Counter[str],
) -> None:
    known = set(existing)
    for row in rows:
        key = tuple(getattr(row, name) for name in unique)
        counter["updated" if (key[0] if len(key) == 1 else key) in known else "created"] += 1
    model._default_manager.bulk_create(
        rows, update_conflicts=True, unique_fields=unique, update_fields=update
    )


def _write_evaluators(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> None:
    rows = [
        Evaluator(
            uscc=r["uscc"],
            name=r["name"],
            name_normalised=normalise_name(r["name"]),
            legal_entity_uscc=r["legal_entity_uscc"],
        )
        for _, r in chunk
    ]
    usccs = [r.uscc for r in rows]
    # A file without the column (the format before legal entities) leaves recorded ones alone.
    with_entity = "所属法人统一社会信用代码" in context.headers.get("第三方机构", set())
    _upsert(
        Evaluator,
        rows,
        ["uscc"],
        ["name", "name_normalised", *(["legal_entity_uscc"] if with_entity else [])],
        Evaluator.objects.filter(uscc__in=usccs).values_list("uscc", flat=True),
        context.report.counts["第三方机构"],
    )
    context.evaluators.update(Evaluator.objects.filter(uscc__in=usccs).values_list("uscc", "id"))


def _write_blacklist(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> None:
    rows = [
        BlacklistEntry(evaluator_uscc=r["evaluator_uscc"], listed_on=r["listed_on"], reason=r["reason"])
        for _, r in chunk
    ]
    existing = BlacklistEntry.objects.filter(evaluator_uscc__in=[r.evaluator_uscc for r in rows])
    _upsert(
        BlacklistEntry,
        rows,
        ["evaluator_uscc", "listed_on"],
        ["reason"],
        existing.values_list("evaluator_uscc", "listed_on"),
        context.report.counts["机构黑名单"],
    )


def _write_diagnoses(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> None:
    rows = [
        Diagnosis(
            evaluator_id=context.evaluators[r["evaluator_uscc"]],
            client_uscc=r["client_uscc"],
            day=r["day"],
            client_province=r["client_province"],
        )
        for _, r in chunk
    ]
    existing = Diagnosis.objects.filter(client_uscc__in=[r.client_uscc for r in rows])
    _upsert(
        Diagnosis,
        rows,
        ["evaluator_id", "client_uscc", "day"],
        ["client_province"],
        existing.values_list("evaluator_id", "client_uscc", "day"),
        context.report.counts["节能诊断"],
    )


def _write_list_entries(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> None:
    rows = [
        ProvincialListEntry(
            uscc=r["uscc"],
            name=r["name"],
            name_normalised=normalise_name(r["name"]),
            category=r["category"],
            level=r["level"],
            unit=context.unit(r["unit"]),
            year=r["year"],
            status=r["status"],
            revoked_on=r["revoked_on"],
            park_uscc=r["park_uscc"],
        )
        for _, r in chunk
    ]
    existing = ProvincialListEntry.objects.filter(uscc__in=[r.uscc for r in rows])
    before = {
        (e.uscc, e.category, e.level): (e.name, e.name_normalised, e.status, e.revoked_on)
        for e in existing.only("uscc", "category", "level", "name", "name_normalised", "status", "revoked_on")
    }
    # A file without the column (the format before it) leaves recorded parks alone.
    with_park = "所在园区统一社会信用代码" in context.headers.get("省级名单", set())
    _upsert(
        ProvincialListEntry,
        rows,
        ["uscc", "category", "level"],
        [
            "name",
            "name_normalised",
            "unit",
            "year",
            "status",
            "revoked_on",
            *(["park_uscc"] if with_park else []),
        ],
        existing.values_list("uscc", "category", "level"),
        context.report.counts["省级名单"],
    )
    _record_list_history(rows, before, context)


def _record_list_history(
    rows: Sequence[ProvincialListEntry],
    before: dict[tuple[str, str, str], tuple[str, str, str, Any]],
    context: _Context,
) -> None:
    """The register's history of what this chunk changed: a new entry is a listing, a new name a
    rename (the old name kept for matching), a new revocation a removal, a revoked entry made
    active again a reinstatement."""
    today = timezone.localdate()
    saved = {
        (e.uscc, e.category, e.level): e
        for e in ProvincialListEntry.objects.filter(uscc__in=[r.uscc for r in rows]).select_related("unit")
    }
    actor = context.actor if getattr(context.actor, "pk", None) else None
    events: list[RegisterEvent] = []
    former: list[FormerName] = []
    for row in rows:
        entry = saved[(row.uscc, row.category, row.level)]
        label = f"{ListLevel(entry.level).label}{Category(entry.category).label}"
        previous = before.get((row.uscc, row.category, row.level))
        if previous is None:
            events.append(
                RegisterEvent(
                    entry=entry,
                    on=dt.date(entry.year, 1, 1),
                    kind=RegisterEvent.Kind.LISTED,
                    detail=f"{entry.year}年列入{label}名单（{entry.unit.name}推荐；据省级名单导入）",
                    actor=actor,
                )
            )
            if entry.status == ListStatus.REVOKED and entry.revoked_on:
                events.append(_removal_event(entry, actor))
            continue
        old_name, old_normalised, old_status, _ = previous
        if old_normalised != entry.name_normalised:
            former.append(FormerName(uscc=entry.uscc, entry=entry, name=old_name, until=today))
            events.append(
                RegisterEvent(
                    entry=entry,
                    on=today,
                    kind=RegisterEvent.Kind.RENAMED,
                    detail="据省级名单导入",
                    old_name=old_name,
                    new_name=entry.name,
                    actor=actor,
                )
            )
        if old_status != entry.status:
            if entry.status == ListStatus.REVOKED:
                events.append(_removal_event(entry, actor))
            else:
                events.append(
                    RegisterEvent(
                        entry=entry,
                        on=today,
                        kind=RegisterEvent.Kind.REINSTATED,
                        detail="据省级名单导入",
                        actor=actor,
                    )
                )
    for name in former:
        name.name_normalised = normalise_name(name.name)
    FormerName.objects.bulk_create(former, ignore_conflicts=True)
    RegisterEvent.unscoped.bulk_create(events)


def _removal_event(entry: ProvincialListEntry, actor: Any) -> RegisterEvent:
    return RegisterEvent(
        entry=entry,
        on=entry.revoked_on or timezone.localdate(),
        kind=RegisterEvent.Kind.REVOKED,
        detail="据省级名单导入",
        actor=actor,
    )


def _write_records(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> None:
    if bulk.available():
        created, updated = bulk.upsert_records(r for _, r in chunk)
        counter = context.report.counts["负面记录"]
        # Only non-zero counts, as the bulk_create path below reports them.
        for name, n in (("created", created), ("updated", updated)):
            if n:
                counter[name] += n
        return
    rows = []
    for _, r in chunk:
        normalised = normalise_name(r["name"])
        rows.append(
            NegativeRecord(
                uscc=r["uscc"],
                name=r["name"],
                name_normalised=normalised,
                type=r["type"],
                start=r["start"],
                end=r["end"],
                source=r["source"],
                note=r["note"],
                key=NegativeRecord.make_key(r["uscc"], normalised, r["type"], r["start"]),
            )
        )
    existing = NegativeRecord.unscoped.filter(key__in=[r.key for r in rows]).values_list("key", flat=True)
    _upsert(
        NegativeRecord,
        rows,
        ["key"],
        ["name", "name_normalised", "end", "source", "note"],
        existing,
        context.report.counts["负面记录"],
    )


APPLICATION_FIELDS = (
    "method",
    "industry",
    "industry_code",
    "score",
    "no_result_promise",
    "product",
    "unit_energy",
    "park_level",
    "industrial_share",
    "manufacturing_and_energy",
    "legal_boundary",
    "management_body",
)


def _check_applications(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> list[RowError]:
    """Authority and limits for 申报 rows, as the web's write path applies them: a unit imports
    only its own applicants; a decided application is not changed by import; V3 holds at write time."""
    errors: list[RowError] = []
    organisations = {o.uscc: o for o in Organisation.unscoped.filter(uscc__in=[r["uscc"] for _, r in chunk])}
    existing = {
        (a.organisation.uscc, a.category): a
        for a in Application.unscoped.filter(
            batch=context.batch, organisation__in=organisations.values()
        ).select_related("organisation")
    }
    for number, row in chunk:
        organisation = organisations.get(row["uscc"])
        if (
            context.only_unit is not None
            and organisation is not None
            and organisation.unit_id != context.only_unit.pk
        ):
            errors.append(
                RowError(
                    "申报",
                    number,
                    "统一社会信用代码",
                    f"该统一社会信用代码已登记为其他推荐单位的申报单位，{context.only_unit.name}不能导入或修改其申报；"
                    "如该单位已迁入本地区，请联系省厅调整其推荐单位",
                )
            )
            continue
        key = (row["uscc"], row["category"])
        application = existing.get(key)
        if application is not None and application.state not in IMPORT_EDITABLE_STATES:
            errors.append(
                RowError(
                    "申报",
                    number,
                    "",
                    f"该申报当前状态为“{State(application.state).label}”，推荐单位已作出决定，不能通过导入修改；"
                    "如需修改，请先在系统中撤回该决定",
                )
            )
            continue
        refusal = _count_evaluator_project(row, application, context)
        if refusal:
            errors.append(RowError("申报", number, "第三方机构统一社会信用代码", refusal))
    return errors


def _count_evaluator_project(
    row: dict[str, Any], application: Application | None, context: _Context
) -> str | None:
    """V3 for an imported project: count it against its legal entity (locked, as the web guard
    does, over the same set: ``campaign.evaluator_cap``) when it is submitted; the project that
    would exceed the cap is refused."""
    key = (row["uscc"], row["category"])
    submitted = bool(row["submitted_at"] or (application is not None and application.submitted_at))
    code = row["evaluator_uscc"] if row["method"] == Method.THIRD_PARTY and submitted else ""
    if code and code not in context.evaluator_rows:
        context.evaluator_rows[code] = Evaluator.objects.filter(uscc=code).first()
    evaluator = context.evaluator_rows.get(code) if code else None
    entity = evaluator.entity_uscc if evaluator is not None else None
    for other, others in context.evaluator_loads.items():
        if other != entity:
            others.discard(key)
    context.assigned[key] = entity
    if evaluator is None or entity is None:
        return None
    load: set[tuple[str, str]] | None = context.evaluator_loads.get(entity)
    if load is None:
        lock_entity(evaluator)
        load = {
            k
            for k in counted_projects(context.batch, evaluator).values_list("organisation__uscc", "category")
            if context.assigned.get(k, entity) == entity
        }
        context.evaluator_loads[entity] = load
    if key in load:
        return None
    refusal = v3_next_project(context.batch.parameters, f"{evaluator.name}（{evaluator.uscc}）", len(load))
    if refusal:
        return f"[V3] {refusal[0].message}，本项目不予受理；请改为自评价或委托其他机构"
    load.add(key)
    return None


def _write_organisations(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> dict[str, int]:
    """Create new applicants and update known ones (their changes audited, old and new values);
    return uscc → organisation id."""
    rows = {r["uscc"]: r for _, r in chunk}
    known = {o.uscc: o for o in Organisation.unscoped.filter(uscc__in=list(rows)).select_related("unit")}
    new, changed, diffs = [], [], {}
    for uscc, r in rows.items():
        values = {
            "name": r["name"],
            "name_normalised": normalise_name(r["name"]),
            "unit": context.unit(r["unit"]),
            "industry": r["industry"],
        }
        organisation = known.get(uscc)
        if organisation is None:
            new.append(Organisation(uscc=uscc, **values))
            continue
        diff = apply_changes(organisation, values)
        diff.pop("name_normalised", None)
        if diff:
            changed.append(organisation)
            diffs[organisation.pk] = diff
    Organisation.unscoped.bulk_create(new)
    if changed:
        Organisation.unscoped.bulk_update(changed, ["name", "name_normalised", "unit", "industry"])
        record_many(
            actor=context.actor,
            action=Action.REGISTRY_RECORD_CHANGED,
            objects=changed,
            details=lambda o: {"source": "workbook", "changes": diffs[o.pk]},
        )
    return dict(Organisation.unscoped.filter(uscc__in=list(rows)).values_list("uscc", "id"))


def _write_applications(chunk: list[tuple[int, dict[str, Any]]], context: _Context) -> None:
    counter = context.report.counts["申报"]
    org_ids = _write_organisations(chunk, context)
    existing = {
        (a.organisation_id, a.category): a
        for a in Application.unscoped.filter(
            batch=context.batch, organisation_id__in=org_ids.values()
        ).select_related("organisation", "unit")
    }
    created, changed, diffs = [], [], {}
    for _, r in chunk:
        org_id = org_ids[r["uscc"]]
        values = {name: r[name] for name in APPLICATION_FIELDS}
        # A file without the column (the format before it) leaves a recorded standard alone.
        if r["evaluation_standard"] or "评价标准" in context.headers.get("申报", set()):
            values["evaluation_standard"] = r["evaluation_standard"]
        if values["park_level"] is None:
            values["park_level"] = ""
        values["no_result_promise"] = bool(values["no_result_promise"])
        values["evaluator_id"] = context.evaluators.get(r["evaluator_uscc"]) if r["evaluator_uscc"] else None
        if r.get("park_name"):  # an older workbook without the column leaves the web's value alone
            values["park_name"] = r["park_name"]
        application = existing.get((org_id, r["category"]))
        if application is None:
            state = State.SUBMITTED if r["submitted_at"] else State.DRAFT
            created.append(
                Application(
                    batch=context.batch,
                    organisation_id=org_id,
                    unit=context.unit(r["unit"]),
                    category=r["category"],
                    state=state,
                    submitted_at=r["submitted_at"],
                    **values,
                )
            )
            continue
        if r["submitted_at"]:
            values["submitted_at"] = r["submitted_at"]
        values["unit"] = context.unit(r["unit"])  # only the province's import can move a firm
        diff = apply_changes(application, values)
        if diff:
            application.version += 1
            application.updated_at = timezone.now()  # bulk_update does not apply auto_now
            changed.append(application)
            diffs[application.pk] = diff
    Application.unscoped.bulk_create(created)
    if changed:
        Application.unscoped.bulk_update(
            changed,
            [
                *APPLICATION_FIELDS,
                "evaluation_standard",
                "evaluator_id",
                "unit",
                "submitted_at",
                "version",
                "updated_at",
            ],
        )
    counter["created"] += len(created)
    counter["updated"] += len(changed)
    counter["unchanged"] += len(chunk) - len(created) - len(changed)
    fresh = Application.unscoped.filter(
        batch=context.batch, organisation_id__in=[a.organisation_id for a in created]
    ).select_related("organisation", "unit")
    wanted = {(a.organisation_id, a.category) for a in created}
    record_many(
        actor=context.actor,
        action=Action.APPLICATION_CREATED,
        objects=[a for a in fresh if (a.organisation_id, a.category) in wanted],
        details=lambda a: {"to": a.state, "source": "workbook"},
    )
    if changed:
        record_many(
            actor=context.actor,
            action=Action.APPLICATION_UPDATED,
            objects=changed,
            details=lambda a: {"source": "workbook", "version": a.version, "changes": diffs[a.pk]},
        )
    _vouch_engagements([org_ids[r["uscc"]] for _, r in chunk], context)


def _vouch_engagements(org_ids: list[int], context: _Context) -> None:
    """A third-party application read from the city's (or province's) sheet is an accepted
    engagement: the unit vouches for the sheet. Its 无结果承诺声明 column is the engagement's
    declaration (V4). One audit event per engagement written."""
    now = timezone.now()
    applications = Application.unscoped.filter(
        batch=context.batch,
        organisation_id__in=org_ids,
        method=Method.THIRD_PARTY,
        evaluator__isnull=False,
    ).select_related("organisation", "unit")
    standing = {
        (application_id, evaluator_id): (status, signed is not None)
        for application_id, evaluator_id, status, signed in Engagement.unscoped.filter(
            application__in=applications
        ).values_list("application_id", "evaluator_id", "status", "declaration_signed_at")
    }
    # Only what the sheet changes is written (and audited): a re-import of the same sheet is silent.
    rows = [
        Engagement(
            application=a,
            evaluator_id=a.evaluator_id,
            status=Engagement.Status.ACCEPTED,
            requested_at=now,
            requested_by=context.actor,
            decided_at=now,
            decided_by=context.actor,
            source="import",
            declaration_signed_at=now if a.no_result_promise else None,
        )
        for a in applications
        if a.evaluator_id is not None
        and standing.get((a.pk, a.evaluator_id)) != (Engagement.Status.ACCEPTED, a.no_result_promise)
    ]
    if not rows:
        return
    Engagement.unscoped.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["application", "evaluator"],
        update_fields=["status", "decided_at", "decided_by", "source", "declaration_signed_at"],
    )
    record_many(
        actor=context.actor,
        action=Action.ENGAGEMENT_ACCEPTED,
        objects=list(
            Engagement.unscoped.filter(
                application__in=[r.application for r in rows], source="import", decided_at=now
            ).select_related("application__unit", "application__organisation", "evaluator")
        ),
        details=lambda e: {"source": "workbook", "application": e.application_id, "status": e.status},
    )


WRITERS: dict[str, Callable[[list[tuple[int, dict[str, Any]]], _Context], None]] = {
    "第三方机构": _write_evaluators,
    "机构黑名单": _write_blacklist,
    "节能诊断": _write_diagnoses,
    "省级名单": _write_list_entries,
    "负面记录": _write_records,
    "申报": _write_applications,
}
CHECKERS: dict[str, Callable[[list[tuple[int, dict[str, Any]]], _Context], list[RowError]]] = {
    "申报": _check_applications,
}


def _name_matches(unit: RecommendingUnit | None, limit: int = 200) -> list[dict[str, str]]:
    """Negative records without uscc that match an organisation by normalised name; for a unit's
    import, only its own applicants (the report is shown to that unit)."""
    unnamed = NegativeRecord.unscoped.filter(uscc="").values("name_normalised")
    # A renamed firm still matches records filed under a name the register knows it by before.
    renamed = FormerName.objects.filter(name_normalised__in=unnamed)
    organisations = Organisation.unscoped.filter(
        models.Q(name_normalised__in=unnamed) | models.Q(uscc__in=renamed.values("uscc"))
    )
    if unit is not None:
        organisations = organisations.filter(unit=unit)
    by_name = {o.name_normalised: o for o in organisations}
    by_uscc = {o.uscc: o for o in organisations}
    for uscc, name in renamed.filter(uscc__in=list(by_uscc)).values_list("uscc", "name_normalised"):
        by_name.setdefault(name, by_uscc[uscc])
    matches = []
    for r in NegativeRecord.unscoped.filter(uscc="", name_normalised__in=list(by_name))[:limit]:
        org = by_name[r.name_normalised]
        matches.append(
            {
                "record": r.name,
                "type": r.get_type_display(),
                "start": str(r.start),
                "organisation": org.name,
                "uscc": org.uscc,
            }
        )
    return matches
