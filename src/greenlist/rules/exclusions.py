"""E1–E6: the notice's "近三年有下列情况的，不得推荐" (一、总体要求), over an applicant's negative records.

The look-back window is ``[batch.window_start, batch.reference_date]``, both days inclusive
(2021-07-19 to 2024-07-19 for the 2024 batch). A record *overlaps* the window when it started on or
before the reference date and had not ended before the window started; every record type with a
duration is tested so (E3 alone reads the removal as a dated act, see docs/rules.md). A record
starting after the reference date excludes nothing and is reported as a warning. ``records`` are the
applicant's records only: the caller has matched them by uscc, or by normalised name, in which case
``matched_by_name`` is set and the message says "按名称匹配".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from greenlist.rules.batch import Batch, add_months
from greenlist.rules.facts import ListEntry, NegativeRecord
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Effect, ListStatus, RecordType

E2_TYPES = frozenset(
    {
        RecordType.SAFETY_ACCIDENT,
        RecordType.CYBER_SECURITY_INCIDENT,
        RecordType.DATA_SECURITY_INCIDENT,
        RecordType.QUALITY_ACCIDENT,
        RecordType.POLLUTION_ACCIDENT,
        RecordType.TAX_EVASION,
        RecordType.VIOLATION,
    }
)


# Events (an accident, a violation, an inspection's finding) happen on a day: an empty end date
# means that day alone, not "still in force". A filled end date gives the period the violation
# went on, and the record counts when that period overlaps the window (docs/rules.md, E2, E4).
EVENT_TYPES = E2_TYPES | {RecordType.INSPECTION_PROBLEM}

RULE_OF_TYPE = {
    **dict.fromkeys((RecordType.DEREGISTERED, RecordType.HALTED, RecordType.ABNORMAL_OPERATION), "E1"),
    **dict.fromkeys(E2_TYPES, "E2"),
    RecordType.LIST_REMOVAL: "E3",
    RecordType.INSPECTION_PROBLEM: "E4",
    RecordType.ENERGY_RECTIFICATION: "E5",
    RecordType.DISHONEST_DEBTOR: "E6",
}


def period_end(record: NegativeRecord) -> dt.date | None:
    """The last day of the record's period: ``None`` for a state still in force; an event without
    an end date lasted its one day."""
    if record.type in EVENT_TYPES:
        return record.end or record.start
    return record.end


def in_window(batch: Batch, day: dt.date) -> bool:
    """``day`` lies in the look-back window (both ends inclusive)."""
    return batch.window_start <= day <= batch.reference_date


def overlaps_window(batch: Batch, start: dt.date, end: dt.date | None) -> bool:
    """A state from ``start`` to ``end`` (``None``: still in force) touches the look-back window."""
    return start <= batch.reference_date and (end is None or end >= batch.window_start)


def in_force_at_reference(batch: Batch, start: dt.date, end: dt.date | None) -> bool:
    """A state (listing, rectification) had begun and had not ended by the reference date."""
    return start <= batch.reference_date and (end is None or end > batch.reference_date)


def describe(record: NegativeRecord) -> str:
    """The record as evidence: type label, dates, source, and whether it was matched by name."""
    until = f"至{record.end.isoformat()}" if record.end else "，至今未结束"
    parts = [f"{record.start.isoformat()}起{until}", f"来源：{record.source or '未注明'}"]
    if record.note:
        parts.append(f"说明：{record.note}")
    if record.matched_by_name:
        parts.append(f"按名称匹配（{record.name}）")
    return f"“{record.type.label}”记录（{'；'.join(parts)}）"


def record_evidence(record: NegativeRecord) -> dict[str, Any]:
    return {
        "record_type": record.type.value,
        "start": record.start.isoformat(),
        "end": record.end.isoformat() if record.end else None,
        "source": record.source,
        "matched_by_name": record.matched_by_name,
    }


def _window_text(batch: Batch) -> str:
    return (
        f"近{batch.lookback_years}年（{batch.window_start.isoformat()}至{batch.reference_date.isoformat()}）"
    )


def _exclude(batch: Batch, rule: str, record: NegativeRecord, why: str, **extra: Any) -> Finding:
    return cite(batch, rule, Effect.EXCLUDE, f"{why}：{describe(record)}", **record_evidence(record), **extra)


def e1_not_operating_normally(batch: Batch, records: Iterable[NegativeRecord]) -> list[Finding]:
    """E1: deregistered, halted ``halt_months`` or more consecutive months, or on the abnormal list.

    A halt counts only the part inside the window (an open halt runs to the reference date); it
    reaches ``halt_months`` when ``add_months(clipped_start, halt_months) <= clipped_end``.
    """
    findings = []
    for record in records:
        if record.type is RecordType.DEREGISTERED and overlaps_window(batch, record.start, record.end):
            findings.append(_exclude(batch, "E1", record, f"{_window_text(batch)}工商注销"))
        elif record.type is RecordType.HALTED and overlaps_window(batch, record.start, record.end):
            start = max(record.start, batch.window_start)
            end = min(record.end or batch.reference_date, batch.reference_date)
            if add_months(start, batch.halt_months) <= end:
                findings.append(
                    _exclude(
                        batch,
                        "E1",
                        record,
                        f"{_window_text(batch)}连续停产{batch.halt_months}个月以上"
                        f"（窗口内停产期{start.isoformat()}至{end.isoformat()}）",
                        halt_months=batch.halt_months,
                    )
                )
        elif record.type is RecordType.ABNORMAL_OPERATION and in_force_at_reference(
            batch, record.start, record.end
        ):
            findings.append(
                _exclude(
                    batch,
                    "E1",
                    record,
                    f"截至{batch.reference_date.isoformat()}仍被列入经营异常名录且未被移出",
                )
            )
    return findings


def e2_accident_or_violation(batch: Batch, records: Iterable[NegativeRecord]) -> list[Finding]:
    """E2: a safety (incl. cyber and data security), quality or pollution accident, tax evasion or
    another violation whose period overlaps the window: one that began before the window and went
    on into it counts (:func:`period_end`)."""
    return [
        _exclude(batch, "E2", record, f"{_window_text(batch)}发生{record.type.label}")
        for record in records
        if record.type in E2_TYPES and overlaps_window(batch, record.start, period_end(record))
    ]


def e3_removed_from_list(
    batch: Batch, records: Iterable[NegativeRecord], entries: Iterable[ListEntry]
) -> list[Finding]:
    """E3: removed from a national or provincial green list in the window and not reinstated.

    Two sources: a LIST_REMOVAL record dated in the window whose ``end`` is empty (an end date means
    the removal was later undone), and the applicant's own list ``entries`` (same uscc) revoked in
    the window. A revoked entry without a revocation date cannot be placed in the window and is
    left to the LIST_REMOVAL records.
    """
    findings = [
        _exclude(batch, "E3", record, f"{_window_text(batch)}被动态调整出绿色制造名单")
        for record in records
        if record.type is RecordType.LIST_REMOVAL and in_window(batch, record.start) and record.end is None
    ]
    for entry in entries:
        if entry.status is ListStatus.REVOKED and entry.revoked_on and in_window(batch, entry.revoked_on):
            findings.append(
                cite(
                    batch,
                    "E3",
                    Effect.EXCLUDE,
                    f"{_window_text(batch)}被动态调整出{entry.level.label}绿色制造名单："
                    f"{entry.year}年列入的{entry.category.label}（{entry.unit}）于{entry.revoked_on.isoformat()}撤销",
                    list_level=entry.level.value,
                    list_category=entry.category.value,
                    list_year=entry.year,
                    revoked_on=entry.revoked_on.isoformat(),
                )
            )
    return findings


def e4_inspection_problem(batch: Batch, records: Iterable[NegativeRecord]) -> list[Finding]:
    """E4: serious problems found in a State Council or ministry inspection, the finding's period
    (to its end date, when given) overlapping the window."""
    return [
        _exclude(batch, "E4", record, f"{_window_text(batch)}在国务院及有关部委督查中被发现存在严重问题")
        for record in records
        if record.type is RecordType.INSPECTION_PROBLEM
        and overlaps_window(batch, record.start, period_end(record))
    ]


def e5_rectification_incomplete(batch: Batch, records: Iterable[NegativeRecord]) -> list[Finding]:
    """E5: on the energy-saving supervision rectification list and not rectified by the reference date."""
    return [
        _exclude(
            batch,
            "E5",
            record,
            f"被列入工业节能监察整改名单，截至{batch.reference_date.isoformat()}未完成整改",
        )
        for record in records
        if record.type is RecordType.ENERGY_RECTIFICATION
        and in_force_at_reference(batch, record.start, record.end)
    ]


def e6_dishonest_debtor(batch: Batch, records: Iterable[NegativeRecord]) -> list[Finding]:
    """E6: listed as a dishonest judgment debtor at any time in the window."""
    return [
        _exclude(batch, "E6", record, f"{_window_text(batch)}被列为失信被执行人")
        for record in records
        if record.type is RecordType.DISHONEST_DEBTOR and overlaps_window(batch, record.start, record.end)
    ]


def after_reference_date(batch: Batch, records: Iterable[NegativeRecord]) -> list[Finding]:
    """A record that starts after the reference date lies outside every window: it excludes
    nothing, but it is shown (a warning under its rule, with its date) rather than dropped, so
    whoever screens sees it and can judge whether the reference date is the right one."""
    return [
        cite(
            batch,
            RULE_OF_TYPE[record.type],
            Effect.WARN,
            f"{describe(record)}的开始日期{record.start.isoformat()}晚于基准日{batch.reference_date.isoformat()}，"
            "不在近三年期限内，未作为排除依据；请核实日期，如属实请关注",
            after_reference_date=True,
            **record_evidence(record),
        )
        for record in records
        if record.start > batch.reference_date
    ]


def exclusion_findings(
    batch: Batch, records: Sequence[NegativeRecord], entries: Sequence[ListEntry] = ()
) -> list[Finding]:
    """E1–E6 together, in catalogue order; every rule runs; then the records dated after the
    reference date, as warnings."""
    return [
        *e1_not_operating_normally(batch, records),
        *e2_accident_or_violation(batch, records),
        *e3_removed_from_list(batch, records, entries),
        *e4_inspection_problem(batch, records),
        *e5_rectification_incomplete(batch, records),
        *e6_dishonest_debtor(batch, records),
        *after_reference_date(batch, records),
    ]
