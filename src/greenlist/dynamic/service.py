"""The one write path of the dynamic management: filing, the city's audit, on-site checks.

Every function that changes state runs in one transaction, checks the actor's right first (a
refusal changes nothing), and writes its audit event in the same transaction. Web, import and
demo call these; none writes a filing by itself.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.documents import stored
from greenlist.documents.uploads import UploadRefused, inspect_upload
from greenlist.dynamic.models import Filing, FilingReview, FilingState, OnSiteCheck
from greenlist.registry.models import NegativeRecord, ProvincialListEntry, UnitScore
from greenlist.rules import facts
from greenlist.rules import filing as rules
from greenlist.rules.findings import Finding
from greenlist.rules.vocabulary import ListStatus, RecordType
from greenlist.scoping import unscoped

ONSITE_KINDS = ("pdf", "docx", "xlsx", "jpeg", "png")
ONSITE_MAX_BYTES = 20 * 1024 * 1024
EDITABLE = (FilingState.DRAFT, FilingState.RETURNED)
# An on-site check is dated from the year before its cycle to at most a year ahead: a date
# beyond is a typing error (year 1 or 9999), refused before anything is written.
ONSITE_HORIZON_DAYS = 366


def data_dir() -> Path:
    return Path(settings.GREENLIST_DATA_DIR)


def cycle(year: int | None = None) -> rules.Cycle:
    """The cycle of ``year``, or the latest cycle file in the data directory."""
    if year is None:
        years = rules.available_cycles(data_dir())
        if not years:
            raise rules.CycleFileError(
                f"数据目录 {data_dir()} 中没有动态管理周期文件（cycles/dynamic-<年度>.yaml）"
            )
        year = years[-1]
    return rules.load_cycle(year, data_dir())


def form(version: str) -> rules.Form:
    path = rules.form_path(version, data_dir())
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _form(version, data_dir(), stamp)


@functools.lru_cache(maxsize=16)
def _form(version: str, folder: Path, stamp: int) -> rules.Form:
    # Keyed by the file's modification time: an edited form file is read again.
    return rules.load_form(version, folder)


def entries(the_cycle: rules.Cycle) -> QuerySet[ProvincialListEntry]:
    """The listed units that must file in this cycle: active, at a level the cycle covers."""
    return ProvincialListEntry.objects.filter(status=ListStatus.ACTIVE, level__in=the_cycle.levels)


# --- who may do what ---------------------------------------------------------------------------


def may_file(user: User, entry: ProvincialListEntry) -> bool:
    """The applicant whose organisation carries the entry's uscc files its own table."""
    return (
        user.role == Role.APPLICANT and user.organisation is not None and user.organisation.uscc == entry.uscc
    )


def may_audit(user: User, filing: Filing) -> bool:
    """Only the city of the filing's unit audits it (never another city; the province reads)."""
    return user.role == Role.CITY and user.unit_id is not None and user.unit_id == filing.unit_id


def _require_auditor(user: User, filing: Filing) -> None:
    if not may_audit(user, filing):
        raise NotPermitted("只有该名单单位所属设区市的工业和信息化主管部门可以审核其动态管理表。")


# --- values beside last year ------------------------------------------------------------------


def previous_values(entry: ProvincialListEntry, year: int) -> dict[str, str]:
    """The entry's values of the cycle before ``year`` (submitted or later), or nothing."""
    with unscoped():
        last = (
            Filing.objects.filter(entry=entry, cycle_year=year - 1)
            .exclude(state=FilingState.DRAFT)
            .values_list("values", flat=True)
            .first()
        )
    return dict(last or {})


def _as_fact(r: NegativeRecord) -> facts.NegativeRecord:
    return facts.NegativeRecord(
        type=RecordType(r.type), start=r.start, end=r.end, uscc=r.uscc, name=r.name, source=r.source
    )


def _records(entry: ProvincialListEntry) -> tuple[facts.NegativeRecord, ...]:
    with unscoped():
        rows = NegativeRecord.objects.filter(uscc=entry.uscc) if entry.uscc else NegativeRecord.objects.none()
        by_name = NegativeRecord.objects.filter(uscc="", name_normalised=entry.name_normalised)
        return tuple(_as_fact(r) for r in [*rows, *by_name])


def flags(
    entry: ProvincialListEntry,
    the_cycle: rules.Cycle,
    filing: Filing | None = None,
    now: dt.datetime | None = None,
    *,
    records: tuple[facts.NegativeRecord, ...] | None = None,
    last: dict[str, str] | None = None,
) -> list[Finding]:
    """The automatic flags (DM1–DM4) of one listed unit in one cycle; computed when read, since
    DM1 depends on the clock. ``records`` and ``last`` may be given (loaded in bulk by
    :func:`flags_of_many`)."""
    now = now or timezone.now()
    the_form = form(filing.form_version if filing else the_cycle.form_version)
    submitted = filing is not None and filing.state != FilingState.DRAFT
    values = filing.values if filing is not None and submitted else {}
    if values and last is None:
        last = previous_values(entry, the_cycle.year)
    return rules.filing_flags(
        the_cycle,
        the_form,
        rules.FilingFacts(
            category=entry.category,
            filed_at=filing.filed_at if filing is not None and submitted else None,
            values=values,
            last_values=(last or {}) if values else {},
            records=_records(entry) if records is None else records,
        ),
        now,
    )


def flags_of_many(
    pairs: list[tuple[ProvincialListEntry, Filing | None]],
    the_cycle: rules.Cycle,
    now: dt.datetime | None = None,
) -> list[list[Finding]]:
    """:func:`flags` for many units at once, with their records and last year's values loaded
    in a few queries (a province's list page shows hundreds)."""
    now = now or timezone.now()
    usccs = {entry.uscc for entry, _ in pairs if entry.uscc}
    names = {entry.name_normalised for entry, _ in pairs}
    by_uscc: dict[str, list[facts.NegativeRecord]] = {}
    by_name: dict[str, list[facts.NegativeRecord]] = {}
    with unscoped():
        for r in NegativeRecord.objects.filter(uscc__in=usccs):
            by_uscc.setdefault(r.uscc, []).append(_as_fact(r))
        for r in NegativeRecord.objects.filter(uscc="", name_normalised__in=names):
            by_name.setdefault(r.name_normalised, []).append(_as_fact(r))
        last_rows = (
            Filing.objects.filter(entry_id__in=[e.pk for e, _ in pairs], cycle_year=the_cycle.year - 1)
            .exclude(state=FilingState.DRAFT)
            .values_list("entry_id", "values")
        )
        last_by_entry = {entry_id: dict(values or {}) for entry_id, values in last_rows}
    return [
        flags(
            entry,
            the_cycle,
            filing,
            now,
            records=tuple(by_uscc.get(entry.uscc, [])) + tuple(by_name.get(entry.name_normalised, [])),
            last=last_by_entry.get(entry.pk, {}),
        )
        for entry, filing in pairs
    ]


# --- filing -----------------------------------------------------------------------------------


@dataclass
class FilingResult:
    filing: Filing | None
    errors: dict[str, str]


def save_filing(
    entry: ProvincialListEntry,
    the_cycle: rules.Cycle,
    raw: dict[str, Any],
    *,
    actor: User,
    submit: bool,
    via_import: bool = False,
    now: dt.datetime | None = None,
) -> FilingResult:
    """Save (and with ``submit`` hand in) the entry's filing for the cycle. A draft may be partial;
    a submission must pass every check of the form. Returns the errors per field and saves
    nothing when there are any. The applicant files its own; a city only by import, for its units."""
    if via_import:
        if actor.role != Role.CITY or actor.unit_id != entry.unit_id:
            raise NotPermitted("只能导入本市名单单位的动态管理表。")
    elif not may_file(actor, entry):
        raise NotPermitted("只有该名单单位本身可以填报其动态管理表。")
    if entry.status != ListStatus.ACTIVE or entry.level not in the_cycle.levels:
        raise RuleRefused(f"{entry.name} 不在本周期应填报的有效名单中。")
    now = now or timezone.now()
    with transaction.atomic(), unscoped():
        filing = Filing.objects.select_for_update().filter(entry=entry, cycle_year=the_cycle.year).first()
        if filing is not None and filing.state not in EDITABLE:
            raise RuleRefused(
                f"{entry.name} 的动态管理表状态为“{filing.get_state_display()}”，不能修改；如需更正请联系所属设区市退回。"
            )
        version = filing.form_version if filing is not None else the_cycle.form_version
        clean, errors = rules.check_values(form(version), entry.category, raw, partial=not submit)
        if errors:
            return FilingResult(None, errors)
        if filing is None:
            filing = Filing(entry=entry, cycle_year=the_cycle.year, form_version=version)
        old = dict(filing.values)
        source = filing.state
        filing.values = clean
        if submit:
            filing.state = FilingState.SUBMITTED
            filing.submitted_at = now
            filing.filed_at = filing.filed_at or now
        filing.save()
        record(
            actor=actor,
            action=Action.FILING_SUBMITTED if submit else Action.FILING_SAVED,
            obj=filing,
            unit=entry.unit,
            details={
                "cycle": the_cycle.year,
                "form": version,
                "from": source,
                "to": filing.state,
                "changed": {k: [old.get(k), v] for k, v in clean.items() if old.get(k) != v},
                "via": "import" if via_import else "web",
            },
        )
    return FilingResult(filing, {})


# --- the city's audit -------------------------------------------------------------------------


def review(
    filing: Filing,
    decision: str,
    *,
    actor: User,
    reason: str = "",
    assignee: str = "",
    due_on: dt.date | None = None,
    the_cycle: rules.Cycle | None = None,
) -> FilingReview:
    """Accept, return for correction (with a reason) or order an on-site check (assignee, date)."""
    _require_auditor(actor, filing)
    reason = reason.strip()
    if decision not in FilingReview.Decision.values:
        raise RuleRefused("未知的审核结论：请选择审核通过、退回修改或安排现场核查。")
    if decision == FilingReview.Decision.RETURNED and not reason:
        raise RuleRefused("退回修改须写明理由，告诉单位哪里需要更正。")
    if decision == FilingReview.Decision.ONSITE and (not assignee.strip() or due_on is None):
        raise RuleRefused("安排现场核查须填写核查人员和核查日期。")
    if decision == FilingReview.Decision.ONSITE:
        assert due_on is not None
        earliest = dt.date(filing.cycle_year - 1, 1, 1)
        latest = timezone.localdate() + dt.timedelta(days=ONSITE_HORIZON_DAYS)
        if not earliest <= due_on <= latest:
            raise RuleRefused(
                f"核查日期 {due_on:%Y-%m-%d} 超出范围：应在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间，请核对年份。"
            )
    with transaction.atomic(), unscoped():
        locked = Filing.objects.select_for_update().select_related("entry", "unit").get(pk=filing.pk)
        allowed = {
            FilingReview.Decision.ACCEPTED: (FilingState.SUBMITTED, FilingState.ONSITE_ORDERED),
            FilingReview.Decision.RETURNED: (FilingState.SUBMITTED, FilingState.ONSITE_ORDERED),
            FilingReview.Decision.ONSITE: (FilingState.SUBMITTED,),
        }[FilingReview.Decision(decision)]
        if locked.state not in allowed:
            raise RuleRefused(f"动态管理表状态为“{locked.get_state_display()}”，不能作此审核。")
        if (
            locked.state == FilingState.ONSITE_ORDERED
            and locked.onsite_checks.filter(state=OnSiteCheck.State.ORDERED).exists()
        ):
            raise RuleRefused("现场核查尚未记录结果：请先记录核查结果，再作审核结论。")
        the_cycle = the_cycle or cycle(locked.cycle_year)
        current = [
            {"rule": f.rule, "clause": f.clause, "message": f.message}
            for f in flags(locked.entry, the_cycle, locked)
        ]
        source = locked.state
        locked.state = {
            FilingReview.Decision.ACCEPTED: FilingState.ACCEPTED,
            FilingReview.Decision.RETURNED: FilingState.RETURNED,
            FilingReview.Decision.ONSITE: FilingState.ONSITE_ORDERED,
        }[FilingReview.Decision(decision)]
        locked.returned_reason = reason if decision == FilingReview.Decision.RETURNED else ""
        locked.save()
        made = FilingReview.objects.create(
            filing=locked, decision=decision, reason=reason, flags=current, decided_by=actor
        )
        details: dict[str, Any] = {"from": source, "to": locked.state, "flags": [f["rule"] for f in current]}
        action = {
            FilingReview.Decision.ACCEPTED: Action.FILING_ACCEPTED,
            FilingReview.Decision.RETURNED: Action.FILING_RETURNED,
            FilingReview.Decision.ONSITE: Action.ONSITE_ORDERED,
        }[FilingReview.Decision(decision)]
        if decision == FilingReview.Decision.ONSITE:
            assert due_on is not None
            check = OnSiteCheck.objects.create(
                filing=locked, assignee=assignee.strip()[:100], due_on=due_on, ordered_by=actor
            )
            details.update(onsite=check.pk, assignee=check.assignee, due_on=due_on.isoformat())
        if decision == FilingReview.Decision.ACCEPTED:
            fed = _feed_score(locked, the_cycle)
            if fed is not None:
                details["score"], details["previous_score"] = fed
        record(actor=actor, action=action, obj=locked, unit=locked.unit, reason=reason, details=details)
    filing.refresh_from_db()
    return made


def _feed_score(filing: Filing, the_cycle: rules.Cycle) -> tuple[str, dict[str, str] | None] | None:
    """An accepted filing that carries a score becomes the unit's score of the data year.
    Returns the new score and the one it replaced (value and source), for the trail."""
    field = form(filing.form_version).score_field
    raw = filing.values.get(field, "") if field else ""
    if not raw:
        return None
    score = Decimal(raw)
    old = UnitScore.objects.select_for_update().filter(entry=filing.entry, year=the_cycle.data_year).first()
    previous = {"score": str(old.score), "source": old.source} if old is not None else None
    UnitScore.objects.update_or_create(
        entry=filing.entry,
        year=the_cycle.data_year,
        defaults={"score": score, "source": UnitScore.Source.FILING},
    )
    return str(score), previous


def record_onsite(
    check: OnSiteCheck,
    *,
    actor: User,
    findings: str,
    name: str = "",
    data: bytes | IO[bytes] | None = None,
) -> OnSiteCheck:
    """Record an on-site check's findings and (optionally) one attachment, checked like every
    upload (content decides the type, size bounded)."""
    with unscoped():
        filing = Filing.objects.select_related("unit").get(pk=check.filing_id)
    _require_auditor(actor, filing)
    findings = findings.strip()
    if not findings:
        raise RuleRefused("请填写现场核查结果。")
    detected = ""
    content: File[Any] | None = None
    digest = ""
    if data is not None:
        try:
            detected = inspect_upload(name, data, ONSITE_KINDS, ONSITE_MAX_BYTES)
        except UploadRefused as refusal:
            raise RuleRefused(f"核查材料未上传：{refusal}") from refusal
        content = stored.as_file(data)
        digest, _ = stored.digest(content)
    with transaction.atomic(), unscoped():
        locked = OnSiteCheck.objects.select_for_update().get(pk=check.pk)
        if locked.state == OnSiteCheck.State.DONE:
            raise RuleRefused("该现场核查已记录结果。")
        locked.findings = findings
        locked.state = OnSiteCheck.State.DONE
        locked.recorded_at = timezone.now()
        if content is not None:
            locked.attachment_name = name[:200]
            locked.attachment_sha256 = digest
            locked.attachment_type = detected
            locked.attachment.save(f"{digest[:16]}.{detected}", content, save=False)
        locked.save()
        record(
            actor=actor,
            action=Action.ONSITE_RECORDED,
            obj=filing,
            unit=filing.unit,
            details={
                "onsite": locked.pk,
                "from": OnSiteCheck.State.ORDERED,
                "to": locked.state,
                "findings": findings,
                "attachment": name,
                "sha256": digest,
                "type": detected,
            },
        )
    check.refresh_from_db()
    return check
