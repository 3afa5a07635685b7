"""Q1, C1, D1: a recommending unit's submission (三、工作要求), and its green-factory quota."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from greenlist.rules.batch import Batch
from greenlist.rules.facts import UnitFacts
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Department, Effect

_DEPARTMENT_LABELS = {department.value: department.label for department in Department}


def quota(batch: Batch, provincial_factories: int) -> int:
    """Q1: ``city_quota_ratio`` × active provincial green factories, rounded down (0.40 × 7 → 2)."""
    return int(
        (batch.city_quota_ratio * Decimal(provincial_factories)).to_integral_value(rounding=ROUND_FLOOR)
    )


def percent(ratio: Decimal) -> str:
    """0.40 → "40", 0.405 → "40.5"."""
    text = f"{ratio * 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def effective_quota(batch: Batch, unit: UnitFacts) -> int:
    """The quota that applies: the province's override when it set one, else :func:`quota`."""
    return unit.quota_override if unit.quota_override is not None else quota(batch, unit.provincial_factories)


def q1_quota(batch: Batch, unit: UnitFacts) -> list[Finding]:
    """Q1: block when the unit recommends more green factories than its quota."""
    if not batch.on("Q1"):
        return []  # the batch sets no quota (e.g. the 2025 rounds)
    computed = quota(batch, unit.provincial_factories)
    allowed = effective_quota(batch, unit)
    if unit.recommended_factories <= allowed:
        return []
    basis = f"现有省级绿色工厂{unit.provincial_factories}家×{percent(batch.city_quota_ratio)}%，向下取整为{computed}家"
    if unit.quota_override is not None:
        basis += f"；省厅调整为{allowed}家（理由：{unit.quota_override_reason or '未注明'}）"
    return [
        cite(
            batch,
            "Q1",
            Effect.BLOCK,
            f"{unit.name}推荐绿色工厂{unit.recommended_factories}家，超过配额{allowed}家（{basis}）",
            recommended=unit.recommended_factories,
            quota=allowed,
            computed_quota=computed,
            provincial_factories=unit.provincial_factories,
            override=unit.quota_override,
        )
    ]


def department_label(code: str) -> str:
    """The Chinese label of a department code; a code the vocabulary does not know is shown as is."""
    return _DEPARTMENT_LABELS.get(code, code)


def c1_consultation(batch: Batch, unit: UnitFacts) -> list[Finding]:
    """C1: one block finding per department of the batch whose opinion is not recorded, and per
    department that disagreed while the city has not recorded how it handled the objection."""
    missing = [
        cite(
            batch,
            "C1",
            Effect.BLOCK,
            f"{unit.name}的推荐名单尚未记录{department_label(code)}意见，须征求后方可报送",
            department=code,
        )
        for code in batch.consultation_departments
        if code not in unit.consulted_departments
    ]
    dissent = [
        cite(
            batch,
            "C1",
            Effect.BLOCK,
            f"{department_label(code)}对{unit.name}的推荐名单提出不同意见，推荐单位尚未记录处理情况，须处理后方可报送",
            department=code,
            dissent=True,
        )
        for code in sorted(unit.unhandled_dissent)
    ]
    return missing + dissent


def d1_deadline(batch: Batch, unit: UnitFacts, now: dt.datetime) -> list[Finding]:
    """D1: block after the deadline unless the province reopened submission until at least ``now``.

    ``now`` must be time-zone aware; times in messages are shown in the batch's time zone.
    """
    if now.tzinfo is None:
        raise ValueError("D1 needs an aware datetime for now")
    if now <= batch.deadline or (unit.reopened_until is not None and now <= unit.reopened_until):
        return []
    local = now.astimezone(batch.deadline.tzinfo)
    message = f"报送截止时间为{batch.deadline.isoformat(sep=' ')}，现在（{local.isoformat(sep=' ', timespec='seconds')}）已截止"
    if unit.reopened_until is not None:
        reopened = unit.reopened_until.astimezone(batch.deadline.tzinfo)
        message += f"；省厅重新开放报送至{reopened.isoformat(sep=' ', timespec='seconds')}，也已截止"
    return [
        cite(
            batch,
            "D1",
            Effect.BLOCK,
            message + "，须由省厅重新开放后方可报送",
            deadline=batch.deadline.isoformat(),
            reopened_until=unit.reopened_until.isoformat() if unit.reopened_until else None,
        )
    ]


def unit_findings(batch: Batch, unit: UnitFacts, now: dt.datetime) -> list[Finding]:
    """Q1, C1 and D1 on one recommending unit, in catalogue order."""
    return [*q1_quota(batch, unit), *c1_consultation(batch, unit), *d1_deadline(batch, unit, now)]
