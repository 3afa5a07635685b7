"""The national platform's upload, per category (.xlsx), field-mapped by a data file named in the
batch file (``platform_export``, under ``data/exports/``): headers and order are data, the fields
they read are the few below."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import ProvincialListEntry
from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.routing import route
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method, ParkLevel
from greenlist.scoping import unscoped


class ExportFormatError(ValueError):
    """The batch has no platform export, or its mapping file is missing or names an unknown field."""


@lru_cache(maxsize=8)
def load_format(name: str, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    path = data_dir / "exports" / f"{name}.yaml"
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise ExportFormatError(f"国家平台导出格式 {path} 无法读取：{exc}") from exc
    if not isinstance(data, dict) or "categories" not in data:
        raise ExportFormatError(f"国家平台导出格式 {path} 缺少 categories")
    return data


def _provincial_year(application: Application) -> int | None:
    entry = (
        ProvincialListEntry.objects.filter(
            uscc=application.organisation.uscc,
            category=application.category,
            level=ListLevel.PROVINCIAL,
            status=ListStatus.ACTIVE,
        )
        .order_by("year")
        .first()
    )
    return entry.year if entry else None


def _requirement(application: Application) -> str:
    routed = route(application.batch.parameters, application.industry, application.industry_code)
    return routed.requirement if routed else ""


FIELDS: dict[str, Callable[[Application], Any]] = {
    "uscc": lambda a: a.organisation.uscc,
    "name": lambda a: a.listed_name,
    "unit": lambda a: a.unit.name,
    "industry_code": lambda a: a.industry_code,
    "industry": lambda a: a.industry,
    "method": lambda a: Method(a.method).label,
    "score": lambda a: float(a.score) if a.score is not None else None,
    "requirement": _requirement,
    "provincial_year": _provincial_year,
    "park_level": lambda a: ParkLevel(a.park_level).label if a.park_level else "",
}


def _value(application: Application, field: str, row: int) -> Any:
    if field == "row":
        return row
    if field.startswith("indicator:"):
        entry = (application.indicators.get("indicators") or {}).get(field.split(":", 1)[1]) or {}
        return entry.get("value")
    try:
        return FIELDS[field](application)
    except KeyError:
        raise ExportFormatError(
            f"导出格式中的字段“{field}”未知，可选：row、indicator:<指标>、{'、'.join(FIELDS)}"
        ) from None


def platform_workbook(batch: Batch, category: str) -> bytes:
    """One category's sheet of the batch's recommendations, as the mapping file lays it out."""
    params = batch.parameters
    if category not in {c.value for c in Category}:
        raise ExportFormatError(f"请用 --category 指定类别：{'、'.join(c.value for c in Category)}")
    if not params.platform_export:
        raise ExportFormatError(f"批次 {batch.code} 未规定国家平台导出格式（批次文件 platform_export）。")
    if not params.allows_category(category):
        raise ExportFormatError(f"批次 {batch.code} 不受理{Category(category).label}。")
    layout = load_format(params.platform_export)
    spec = layout["categories"].get(category)
    if spec is None:
        raise ExportFormatError(
            f"导出格式 {params.platform_export} 没有{Category(category).label}的字段对应。"
        )
    with unscoped():
        applications = (
            Application.objects.filter(batch=batch, category=category, state__in=layout.get("states", []))
            .select_related("organisation", "unit", "batch")
            .order_by("unit__order", "organisation__uscc")
        )
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = str(spec.get("sheet", Category(category).label))[:31]
        columns = spec["columns"]
        sheet.append([str(c["header"]) for c in columns])
        for row, application in enumerate(applications, start=1):
            sheet.append([_value(application, str(c["field"]), row) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
