"""Expert review score sheets and the aggregation of experts' totals (pure; no Django).

The sheets and the aggregation parameters are data (``data/review-sheets/*.yaml``); no official
provincial 打分表 was found, so the shipped sheet is marked confidence C.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from greenlist.rules.datafiles import read_yaml

TWO = Decimal("0.01")


@dataclass(frozen=True)
class SheetItem:
    id: str
    label: str
    max: Decimal
    weight: Decimal


@dataclass(frozen=True)
class Sheet:
    category: str
    title: str
    items: tuple[SheetItem, ...]

    @property
    def max_total(self) -> Decimal:
        return sum((item.max * item.weight for item in self.items), Decimal(0))


@dataclass(frozen=True)
class ReviewSheets:
    version: int
    confidence: str
    source: str
    trim_at_least: int
    spread_threshold: Decimal
    sheets: Mapping[str, Sheet]
    file_name: str = ""

    def sheet(self, category: str) -> Sheet:
        return self.sheets[category]


def load_review_sheets(path: Path) -> ReviewSheets:
    raw: dict[str, Any] = read_yaml(path)
    sheets = {
        category: Sheet(
            category=category,
            title=str(body["title"]),
            items=tuple(
                SheetItem(
                    id=str(item["id"]),
                    label=str(item["label"]),
                    max=Decimal(str(item["max"])),
                    weight=Decimal(str(item.get("weight", 1))),
                )
                for item in body["items"]
            ),
        )
        for category, body in raw["sheets"].items()
    }
    aggregation = raw["aggregation"]
    return ReviewSheets(
        version=int(raw["version"]),
        confidence=str(raw["confidence"]),
        source=str(raw["source"]),
        trim_at_least=int(aggregation["trim_at_least"]["value"]),
        spread_threshold=Decimal(str(aggregation["spread_threshold"]["value"])),
        sheets=sheets,
        file_name=path.name,
    )


def sheets_for(data_dir: Path, province: str, batch_code: str) -> ReviewSheets:
    """The batch's own sheet file when it has one, else the default."""
    folder = data_dir / "review-sheets"
    own = folder / f"{province}-{batch_code}.yaml"
    return load_review_sheets(own if own.exists() else folder / "default.yaml")


class ScoreError(ValueError):
    """Per-item problems of a filled sheet: ``errors`` maps item id to a Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


def validate_scores(
    sheet: Sheet, entered: Mapping[str, str | int | float | Decimal | None]
) -> dict[str, Decimal]:
    """The sheet's points per item, checked: every item present, a number, 0 ≤ points ≤ max."""
    errors: dict[str, str] = {}
    points: dict[str, Decimal] = {}
    for item in sheet.items:
        raw = entered.get(item.id)
        if raw is None or str(raw).strip() == "":
            errors[item.id] = f"“{item.label}”未打分，请填写 0 至 {item.max} 之间的分数。"
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors[item.id] = f"“{item.label}”的分数“{raw}”不是数字，请填写 0 至 {item.max} 之间的分数。"
            continue
        if not value.is_finite() or value < 0 or value > item.max:
            errors[item.id] = f"“{item.label}”的分数 {raw} 超出范围，请填写 0 至 {item.max} 之间的分数。"
            continue
        if (value * 2) % 1 != 0:
            errors[item.id] = f"“{item.label}”的分数 {raw} 须为 0.5 的整数倍。"
            continue
        points[item.id] = value
    unknown = set(entered) - {item.id for item in sheet.items}
    if unknown:
        errors["_unknown"] = f"打分表中没有这些项目：{'、'.join(sorted(unknown))}。"
    if errors:
        raise ScoreError(errors)
    return points


def sheet_total(sheet: Sheet, points: Mapping[str, Decimal]) -> Decimal:
    return sum((points[item.id] * item.weight for item in sheet.items), Decimal(0)).quantize(TWO)


def mean(totals: Sequence[Decimal]) -> Decimal | None:
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(TWO, rounding=ROUND_HALF_UP)


def trimmed_mean(totals: Sequence[Decimal], trim_at_least: int) -> Decimal | None:
    """The mean without the highest and the lowest total once there are ``trim_at_least`` or more
    totals (one of each is dropped, even when several are equal); the plain mean below that."""
    if len(totals) >= max(trim_at_least, 3):
        ordered = sorted(totals)
        return mean(ordered[1:-1])
    return mean(totals)


@dataclass(frozen=True)
class Aggregate:
    count: int
    mean: Decimal | None
    trimmed_mean: Decimal | None
    trimmed: bool
    spread: Decimal | None
    spread_flagged: bool


def aggregate(totals: Sequence[Decimal], *, trim_at_least: int, spread_threshold: Decimal) -> Aggregate:
    spread = (max(totals) - min(totals)) if totals else None
    return Aggregate(
        count=len(totals),
        mean=mean(totals),
        trimmed_mean=trimmed_mean(totals, trim_at_least),
        trimmed=len(totals) >= max(trim_at_least, 3),
        spread=spread,
        spread_flagged=spread is not None and spread > spread_threshold,
    )
