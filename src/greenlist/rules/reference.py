"""Reference tables (versioned data files with sources and confidence marks)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.facts import EnergyLevel


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def parse_energy_levels(data: dict[str, Any]) -> dict[str, EnergyLevel]:
    """Product name → its energy level reference; key-industry benchmarks win over quota grades."""
    levels: dict[str, EnergyLevel] = {}
    for edition in data["editions"]:
        key_industry = edition["kind"] == "benchmark"
        for row in edition["rows"]:
            level = EnergyLevel(
                product=str(row["product"]),
                unit=str(row["unit"]),
                benchmark=_decimal(row.get("benchmark")),
                baseline=_decimal(row.get("baseline", row.get("grade3"))),
                grade1=_decimal(row.get("grade1")),
                lower_is_better=bool(row.get("lower_is_better", True)),
                key_industry=key_industry,
                source=f"{edition['document']}；{row.get('source', '')}",
                confidence=str(row.get("confidence", "C")),
            )
            if level.product not in levels or key_industry:
                levels[level.product] = level
    return levels


@lru_cache(maxsize=4)
def energy_levels(path: Path = DATA_DIR / "reference" / "energy-levels.yaml") -> dict[str, EnergyLevel]:
    return parse_energy_levels(read_yaml(path))
