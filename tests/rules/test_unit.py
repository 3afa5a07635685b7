"""Q1, C1, D1 (三、工作要求): quota, consultation, deadline."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from greenlist.rules.batch import load_batch
from greenlist.rules.facts import UnitFacts
from greenlist.rules.unit import c1_consultation, d1_deadline, q1_quota, quota, unit_findings
from greenlist.rules.vocabulary import Effect

BATCH = load_batch("hebei", "2024")
SH = dt.timezone(dt.timedelta(hours=8))
ALL = frozenset({"ecology_environment", "emergency_management", "market_regulation"})


def city(
    provincial: int = 10,
    recommended: int = 4,
    consulted: frozenset[str] = ALL,
    override: int | None = None,
    reopened_until: dt.datetime | None = None,
) -> UnitFacts:
    return UnitFacts(
        name="邢台市",
        provincial_factories=provincial,
        recommended_factories=recommended,
        consulted_departments=consulted,
        quota_override=override,
        quota_override_reason="梯度培育体系建设成效突出" if override is not None else "",
        reopened_until=reopened_until,
    )


@pytest.mark.parametrize(
    ("provincial", "expected"),
    [(0, 0), (1, 0), (2, 0), (3, 1), (5, 2), (7, 2), (10, 4), (13, 5), (100, 40)],
    ids=lambda value: str(value),
)
def test_quota_is_forty_percent_rounded_down(provincial: int, expected: int) -> None:
    assert quota(BATCH, provincial) == expected


def test_quota_ratio_comes_from_the_batch() -> None:
    assert quota(dataclasses.replace(BATCH, city_quota_ratio=Decimal("0.5")), 7) == 3


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param(city(7, 2), [], id="seven-provincial-two-recommended"),
        pytest.param(city(7, 3), ["Q1"], id="seven-provincial-three-recommended"),
        pytest.param(city(2, 1), ["Q1"], id="two-provincial-quota-zero"),
        pytest.param(city(2, 0), [], id="two-provincial-none-recommended"),
        pytest.param(city(7, 3, override=3), [], id="province-raised-the-quota"),
        pytest.param(city(7, 4, override=3), ["Q1"], id="beyond-the-raised-quota"),
    ],
)
def test_q1_quota(unit: UnitFacts, expected: list[str]) -> None:
    findings = q1_quota(BATCH, unit)
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.BLOCK for f in findings)


def test_q1_message_names_the_counts() -> None:
    [finding] = q1_quota(BATCH, city(7, 3))
    assert "推荐绿色工厂3家，超过配额2家" in finding.message
    assert "现有省级绿色工厂7家×40%" in finding.message
    assert finding.evidence["quota"] == 2


def test_q1_message_names_the_override_and_its_reason() -> None:
    [finding] = q1_quota(BATCH, city(7, 4, override=3))
    assert "省厅调整为3家" in finding.message
    assert "梯度培育体系建设成效突出" in finding.message


@pytest.mark.parametrize(
    ("consulted", "missing"),
    [
        pytest.param(ALL, [], id="all-consulted"),
        pytest.param(ALL - {"market_regulation"}, ["市场监管部门"], id="market-regulation-missing"),
        pytest.param(frozenset(), ["生态环境部门", "应急管理部门", "市场监管部门"], id="none-consulted"),
        pytest.param(ALL | {"other"}, [], id="extra-department-is-fine"),
    ],
)
def test_c1_consultation(consulted: frozenset[str], missing: list[str]) -> None:
    findings = c1_consultation(BATCH, city(consulted=consulted))
    assert [f.rule for f in findings] == ["C1"] * len(missing)
    assert all(f.effect is Effect.BLOCK for f in findings)
    assert [label for f, label in zip(findings, missing, strict=True) if label in f.message] == missing


DEADLINE = dt.datetime(2024, 7, 19, 23, 59, 59, tzinfo=SH)


@pytest.mark.parametrize(
    ("now", "reopened", "expected"),
    [
        pytest.param(DEADLINE - dt.timedelta(days=3), None, [], id="days-before"),
        pytest.param(DEADLINE, None, [], id="at-the-deadline"),
        pytest.param(DEADLINE + dt.timedelta(seconds=1), None, ["D1"], id="one-second-late"),
        pytest.param(dt.datetime(2024, 7, 19, 15, 59, 59, tzinfo=dt.UTC), None, [], id="utc-just-before"),
        pytest.param(dt.datetime(2024, 7, 19, 16, 0, 0, tzinfo=dt.UTC), None, ["D1"], id="utc-just-after"),
        pytest.param(DEADLINE + dt.timedelta(days=2), DEADLINE + dt.timedelta(days=3), [], id="reopened"),
        pytest.param(
            DEADLINE + dt.timedelta(days=4), DEADLINE + dt.timedelta(days=3), ["D1"], id="reopening-ended"
        ),
    ],
)
def test_d1_deadline(now: dt.datetime, reopened: dt.datetime | None, expected: list[str]) -> None:
    findings = d1_deadline(BATCH, city(reopened_until=reopened), now)
    assert [f.rule for f in findings] == expected
    assert all(f.effect is Effect.BLOCK and "2024-07-19 23:59:59+08:00" in f.message for f in findings)


def test_d1_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        d1_deadline(BATCH, city(), dt.datetime(2024, 7, 1, 12, 0))


def test_unit_findings_lists_every_block() -> None:
    late = DEADLINE + dt.timedelta(hours=1)
    findings = unit_findings(BATCH, city(7, 5, consulted=frozenset({"ecology_environment"})), late)
    assert [f.rule for f in findings] == ["Q1", "C1", "C1", "D1"]
