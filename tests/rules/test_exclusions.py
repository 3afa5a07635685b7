"""E1–E6 (一、总体要求): window edges, halts, undone removals, rectification, name matches.

The 2024 window is 2021-07-19 .. 2024-07-19, both days inclusive.
"""

from __future__ import annotations

import datetime as dt

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.exclusions import E2_TYPES, exclusion_findings
from greenlist.rules.facts import ListEntry, NegativeRecord
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus, RecordType

BATCH = load_batch("hebei", "2024")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def rec(
    kind: RecordType,
    start: str,
    end: str | None = None,
    *,
    source: str = "信用中国",
    matched_by_name: bool = False,
    name: str = "",
) -> NegativeRecord:
    return NegativeRecord(
        type=kind,
        start=d(start),
        end=d(end) if end else None,
        uscc="" if matched_by_name else "91130100MA0D12345B",
        name=name,
        source=source,
        matched_by_name=matched_by_name,
    )


def entry(
    status: ListStatus, revoked_on: str | None = None, level: ListLevel = ListLevel.PROVINCIAL
) -> ListEntry:
    return ListEntry(
        uscc="91130100MA0D12345B",
        name="河北某某钢铁有限公司",
        category=Category.FACTORY,
        level=level,
        unit="石家庄市",
        year=2020,
        status=status,
        revoked_on=d(revoked_on) if revoked_on else None,
    )


def rules_of(records: list[NegativeRecord], entries: list[ListEntry] | None = None) -> list[str]:
    # Records dated after the reference date come back as warnings (tested on their own below).
    findings = [f for f in exclusion_findings(BATCH, records, entries or []) if f.effect is Effect.EXCLUDE]
    assert all(f.clause == "一、总体要求" for f in findings)
    return [f.rule for f in findings]


def test_the_2024_window_runs_three_years_back_from_the_reference_date() -> None:
    assert (BATCH.window_start, BATCH.reference_date) == (d("2021-07-19"), d("2024-07-19"))


D, H, A = RecordType.DEREGISTERED, RecordType.HALTED, RecordType.ABNORMAL_OPERATION


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param([rec(D, "2021-07-19")], ["E1"], id="deregistered-on-window-start"),
        pytest.param([rec(D, "2024-07-19")], ["E1"], id="deregistered-on-reference-date"),
        pytest.param([rec(D, "2024-07-20")], [], id="deregistered-day-after-reference-date"),
        pytest.param([rec(D, "2019-03-01")], ["E1"], id="deregistered-before-window-still-in-force"),
        pytest.param([rec(D, "2019-03-01", "2021-07-18")], [], id="deregistration-ended-day-before-window"),
        pytest.param([rec(D, "2019-03-01", "2021-07-19")], ["E1"], id="deregistration-ended-on-window-start"),
        pytest.param([rec(H, "2022-01-01", "2023-01-01")], ["E1"], id="halt-12-months"),
        pytest.param([rec(H, "2022-01-01", "2022-12-31")], [], id="halt-12-months-less-a-day"),
        pytest.param([rec(H, "2022-01-01", "2022-12-01")], [], id="halt-11-months"),
        pytest.param([rec(H, "2023-07-19")], ["E1"], id="open-halt-reaching-12-months-at-reference-date"),
        pytest.param([rec(H, "2023-07-20")], [], id="open-halt-one-day-short-at-reference-date"),
        pytest.param([rec(H, "2020-07-01", "2022-07-18")], [], id="halt-only-11-months-inside-window"),
        pytest.param([rec(H, "2020-07-01", "2022-07-19")], ["E1"], id="halt-12-months-inside-window"),
        pytest.param([rec(H, "2019-01-01", "2021-07-18")], [], id="halt-ended-before-window"),
        pytest.param([rec(A, "2024-01-01")], ["E1"], id="abnormal-list-not-removed"),
        pytest.param(
            [rec(A, "2024-01-01", "2024-07-20")], ["E1"], id="abnormal-list-removed-after-reference"
        ),
        pytest.param([rec(A, "2024-01-01", "2024-07-19")], [], id="abnormal-list-removed-on-reference"),
        pytest.param([rec(A, "2022-01-01", "2022-06-01")], [], id="abnormal-list-removed-long-ago"),
        pytest.param([rec(A, "2024-07-20")], [], id="abnormal-list-after-reference"),
    ],
)
def test_e1_not_operating_normally(records: list[NegativeRecord], expected: list[str]) -> None:
    assert rules_of(records) == expected


@pytest.mark.parametrize("kind", sorted(E2_TYPES), ids=lambda kind: kind.value)
def test_e2_every_accident_and_violation_type_excludes(kind: RecordType) -> None:
    assert rules_of([rec(kind, "2023-03-01")]) == ["E2"]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param("2021-07-18", [], id="day-before-window-start-outside"),
        pytest.param("2021-07-19", ["E2"], id="window-start-inside"),
        pytest.param("2024-07-19", ["E2"], id="reference-date-inside"),
        pytest.param("2024-07-20", [], id="day-after-reference-date-outside"),
    ],
)
def test_e2_window_edges(start: str, expected: list[str]) -> None:
    assert rules_of([rec(RecordType.SAFETY_ACCIDENT, start)]) == expected


R = RecordType.LIST_REMOVAL


@pytest.mark.parametrize(
    ("records", "entries", "expected"),
    [
        pytest.param([rec(R, "2022-05-01")], [], ["E3"], id="removal-in-window-not-undone"),
        pytest.param([rec(R, "2022-05-01", "2022-09-01")], [], [], id="removal-in-window-later-undone"),
        pytest.param([rec(R, "2021-07-18")], [], [], id="removal-day-before-window"),
        pytest.param([rec(R, "2021-07-19")], [], ["E3"], id="removal-on-window-start"),
        pytest.param(
            [], [entry(ListStatus.REVOKED, "2023-02-01")], ["E3"], id="provincial-entry-revoked-in-window"
        ),
        pytest.param(
            [],
            [entry(ListStatus.REVOKED, "2023-02-01", ListLevel.NATIONAL)],
            ["E3"],
            id="national-entry-revoked-in-window",
        ),
        pytest.param([], [entry(ListStatus.REVOKED, "2020-02-01")], [], id="entry-revoked-before-window"),
        pytest.param([], [entry(ListStatus.REVOKED, "2024-07-20")], [], id="entry-revoked-after-reference"),
        pytest.param([], [entry(ListStatus.ACTIVE)], [], id="active-entry"),
    ],
)
def test_e3_removed_from_a_green_list(
    records: list[NegativeRecord], entries: list[ListEntry], expected: list[str]
) -> None:
    assert rules_of(records, entries) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param("2021-07-18", [], id="day-before-window"),
        pytest.param("2021-07-19", ["E4"], id="window-start"),
        pytest.param("2024-07-19", ["E4"], id="reference-date"),
        pytest.param("2024-07-20", [], id="day-after-reference-date"),
    ],
)
def test_e4_inspection_problem(start: str, expected: list[str]) -> None:
    assert rules_of([rec(RecordType.INSPECTION_PROBLEM, start)]) == expected


E = RecordType.ENERGY_RECTIFICATION


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param([rec(E, "2023-01-10")], ["E5"], id="rectification-not-completed"),
        pytest.param([rec(E, "2023-01-10", "2024-08-01")], ["E5"], id="completed-after-reference-date"),
        pytest.param([rec(E, "2023-01-10", "2024-07-19")], [], id="completed-on-reference-date"),
        pytest.param([rec(E, "2023-01-10", "2023-06-30")], [], id="completed-before-reference-date"),
        pytest.param([rec(E, "2018-01-10")], ["E5"], id="listed-before-window-never-completed"),
        pytest.param([rec(E, "2024-07-20")], [], id="listed-after-reference-date"),
    ],
)
def test_e5_rectification_incomplete(records: list[NegativeRecord], expected: list[str]) -> None:
    assert rules_of(records) == expected


DD = RecordType.DISHONEST_DEBTOR


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param([rec(DD, "2022-03-01")], ["E6"], id="listed-in-window"),
        pytest.param([rec(DD, "2019-01-01", "2021-07-19")], ["E6"], id="listing-ended-on-window-start"),
        pytest.param([rec(DD, "2019-01-01", "2021-07-18")], [], id="listing-ended-day-before-window"),
        pytest.param([rec(DD, "2024-07-19")], ["E6"], id="listed-on-reference-date"),
        pytest.param([rec(DD, "2024-07-20")], [], id="listed-day-after-reference-date"),
    ],
)
def test_e6_dishonest_debtor(records: list[NegativeRecord], expected: list[str]) -> None:
    assert rules_of(records) == expected


def test_every_record_is_judged_not_only_the_first() -> None:
    records = [
        rec(RecordType.DISHONEST_DEBTOR, "2022-03-01"),
        rec(RecordType.TAX_EVASION, "2022-04-01"),
        rec(RecordType.TAX_EVASION, "2023-04-01"),
        rec(RecordType.DEREGISTERED, "2024-01-01"),
        rec(RecordType.INSPECTION_PROBLEM, "2019-01-01"),  # outside: no finding
    ]
    assert rules_of(records) == ["E1", "E2", "E2", "E6"]


def test_message_names_the_record_type_dates_and_source() -> None:
    [finding] = exclusion_findings(
        BATCH, [rec(RecordType.QUALITY_ACCIDENT, "2022-06-01", source="国家企业信用信息公示系统")]
    )
    assert "质量事故" in finding.message
    assert "2022-06-01" in finding.message
    assert "国家企业信用信息公示系统" in finding.message
    assert "按名称匹配" not in finding.message
    assert finding.evidence["record_type"] == "quality_accident"
    assert finding.evidence["start"] == "2022-06-01"


def test_a_record_matched_by_name_says_so() -> None:
    record = rec(
        RecordType.DISHONEST_DEBTOR, "2022-03-01", matched_by_name=True, name="河北某某(集团)有限公司"
    )
    [finding] = exclusion_findings(BATCH, [record])
    assert "按名称匹配" in finding.message
    assert finding.evidence["matched_by_name"] is True


def test_halt_message_names_the_clipped_period_and_months() -> None:
    [finding] = exclusion_findings(BATCH, [rec(H, "2020-07-01", "2022-08-01")])
    assert "连续停产12个月以上" in finding.message
    assert "2021-07-19至2022-08-01" in finding.message


def test_revoked_entry_message_names_level_and_date() -> None:
    [finding] = exclusion_findings(BATCH, [], [entry(ListStatus.REVOKED, "2023-02-01")])
    assert "省级绿色制造名单" in finding.message
    assert "2023-02-01" in finding.message


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(
            rec(RecordType.POLLUTION_ACCIDENT, "2021-05-01", "2021-09-30"),
            ["E2"],
            id="violation-spanning-the-window-start",
        ),
        pytest.param(
            rec(RecordType.VIOLATION, "2020-01-01", "2021-07-19"),
            ["E2"],
            id="violation-ending-on-window-start",
        ),
        pytest.param(
            rec(RecordType.VIOLATION, "2020-01-01", "2021-07-18"), [], id="violation-ending-day-before-window"
        ),
        # An accident is an event: without an end date it lasted its one day, it is not "still going".
        pytest.param(rec(RecordType.SAFETY_ACCIDENT, "2019-03-01"), [], id="old-accident-without-end-date"),
        pytest.param(
            rec(RecordType.INSPECTION_PROBLEM, "2021-01-01", "2022-01-01"),
            ["E4"],
            id="inspection-problem-spanning-the-window-start",
        ),
        pytest.param(
            rec(RecordType.INSPECTION_PROBLEM, "2020-01-01"), [], id="old-inspection-without-end-date"
        ),
    ],
)
def test_every_record_with_a_duration_counts_when_it_overlaps_the_window(
    record: NegativeRecord, expected: list[str]
) -> None:
    assert rules_of([record]) == expected


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        (RecordType.DEREGISTERED, "E1"),
        (RecordType.TAX_EVASION, "E2"),
        (RecordType.LIST_REMOVAL, "E3"),
        (RecordType.INSPECTION_PROBLEM, "E4"),
        (RecordType.ENERGY_RECTIFICATION, "E5"),
        (RecordType.DISHONEST_DEBTOR, "E6"),
    ],
)
def test_a_record_after_the_reference_date_is_a_warning_with_its_date(kind: RecordType, rule: str) -> None:
    findings = exclusion_findings(BATCH, [rec(kind, "2024-07-20")])
    assert [(f.rule, f.effect) for f in findings] == [(rule, Effect.WARN)]
    assert "2024-07-20" in findings[0].message
    assert "晚于基准日2024-07-19" in findings[0].message
    assert findings[0].evidence["after_reference_date"] is True


def test_a_record_on_the_reference_date_is_no_warning() -> None:
    findings = exclusion_findings(BATCH, [rec(RecordType.DISHONEST_DEBTOR, "2024-07-19")])
    assert [(f.rule, f.effect) for f in findings] == [("E6", Effect.EXCLUDE)]
