"""The energy-level reference table in force: the versioned file, with the province's audited
corrections and additions on top (a new edition or a corrected value needs no code change)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import OperationalError, ProgrammingError, transaction

from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.registry.models import EnergyLevelEntry
from greenlist.rules.facts import EnergyLevel
from greenlist.rules.reference import energy_levels as file_levels


def current_energy_levels() -> dict[str, EnergyLevel]:
    levels = dict(file_levels())
    try:
        rows = list(EnergyLevelEntry.objects.all())
    except (OperationalError, ProgrammingError):
        # No database yet (e.g. `greenlist energy-level` in a fresh folder): the file alone applies.
        rows = []
    for row in rows:
        levels[row.product] = EnergyLevel(
            product=row.product,
            unit=row.unit,
            benchmark=row.benchmark,
            baseline=row.baseline,
            grade1=row.grade1,
            lower_is_better=row.lower_is_better,
            key_industry=row.key_industry,
            source=f"省厅维护：{row.source}",
            confidence=row.confidence,
        )
    return levels


FIELDS = (
    "unit",
    "benchmark",
    "baseline",
    "grade1",
    "lower_is_better",
    "key_industry",
    "source",
    "confidence",
)


def save_energy_level(product: str, values: dict[str, Any], *, actor: Any, reason: str) -> EnergyLevelEntry:
    """Create or correct one product's row. Side effects: the row, one audit event (old → new)."""
    if not getattr(actor, "is_province", False):
        raise PermissionError("只有省厅可以修改参考数据。")
    if not reason.strip():
        raise ValueError("修改参考数据须填写理由（如新版标准文号或更正依据）。")
    if not product.strip() or not str(values.get("source", "")).strip():
        raise ValueError("产品名称与来源为必填项。")
    benchmark, baseline = values.get("benchmark"), values.get("baseline")
    lower = bool(values.get("lower_is_better", True))
    if (
        isinstance(benchmark, Decimal)
        and isinstance(baseline, Decimal)
        and ((lower and benchmark > baseline) or (not lower and benchmark < baseline))
    ):
        raise ValueError("标杆水平应优于基准水平（越低越好时标杆值须不大于基准值）。")
    before = current_energy_levels().get(product.strip())
    with transaction.atomic():
        row, _ = EnergyLevelEntry.objects.update_or_create(
            product=product.strip(), defaults={k: values[k] for k in FIELDS if k in values}
        )
        record(
            actor=actor,
            action=Action.REFERENCE_CHANGED,
            obj=row,
            reason=reason.strip(),
            details={
                "table": "energy-levels",
                "from": None
                if before is None
                else {
                    "benchmark": before.benchmark,
                    "baseline": before.baseline,
                    "grade1": before.grade1,
                    "confidence": before.confidence,
                    "source": before.source,
                },
                "to": {k: values.get(k) for k in ("benchmark", "baseline", "grade1", "confidence", "source")},
            },
        )
    return row
