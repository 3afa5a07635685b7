"""Energy-efficiency levels (rule F3) in the ``greenlist energy-level`` contract shape.

A thin wrapper: the level itself is :func:`greenlist.rules.factory.energy_level` over the reference
table :func:`greenlist.rules.reference.energy_levels` (data/reference/energy-levels.yaml), so the
command, the screening (F3) and the web pages cannot disagree about a boundary.

    {"product": "水泥熟料", "value": 100, "unit": "kgce/t", "level": "标杆", "benchmark": 100, "baseline": 117}

Lower is better unless the row says otherwise; at the benchmark exactly is 标杆, at the baseline
exactly is 基准. Negative values are real (转炉工序: net energy recovery; −30 beats −10).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from greenlist.rules.factory import energy_level, product_key
from greenlist.rules.facts import EnergyLevel
from greenlist.rules.reference import energy_levels
from greenlist.scoring.systems import ScoringError


class EnergyLevelError(ScoringError):
    """An unknown product or a value that is not a number."""


def parse_value(text: str | int | float | Decimal) -> Decimal:
    """A finite number from the command line ("-30", "117", "99.5"; full-width digits allowed)."""
    if isinstance(text, bool):
        raise EnergyLevelError(f"单位产品能耗应为数字，实际为 {text!r}")
    raw = str(text).strip().translate(str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+"))
    try:
        number = Decimal(raw.replace("−", "-"))
    except InvalidOperation as exc:
        raise EnergyLevelError(f"单位产品能耗应为数字，实际为“{text}”") from exc
    if not number.is_finite():
        raise EnergyLevelError(f"单位产品能耗应为有限的数字，实际为“{text}”")
    return number


def find_level(product: str, levels: Mapping[str, EnergyLevel] | None = None) -> EnergyLevel:
    """The reference row for ``product`` (whitespace ignored); raise listing the known products."""
    table = energy_levels() if levels is None else levels
    wanted = product_key(product)
    for name, level in table.items():
        if product_key(name) == wanted:
            return level
    known = "、".join(table)
    raise EnergyLevelError(f"能效参考表中没有产品“{product.strip()}”，可选：{known}")


def _number(number: Decimal | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def energy_level_contract(
    product: str,
    value: str | int | float | Decimal,
    levels: Mapping[str, EnergyLevel] | None = None,
    *,
    detail: bool = False,
) -> dict[str, Any]:
    """``{"product", "value", "unit", "level", "benchmark", "baseline"}``; ``detail`` adds the row's
    direction, grade 1 (先进值), source and confidence mark."""
    level = find_level(product, levels)
    number = parse_value(value)
    output: dict[str, Any] = {
        "product": level.product,
        "value": _number(number),
        "unit": level.unit,
        "level": energy_level(level, number),
        "benchmark": _number(level.benchmark),
        "baseline": _number(level.baseline),
    }
    if detail:
        output.update(
            {
                "lower_is_better": level.lower_is_better,
                "key_industry": level.key_industry,
                "grade1": _number(level.grade1),
                "source": level.source,
                "confidence": level.confidence,
            }
        )
    return output
