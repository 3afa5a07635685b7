"""Batch files: one YAML file per province and year holding every parameter of the notice.

Rules read parameters only from a :class:`Batch`; a new year's notice is a new file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# S2 "供应商中绿色工厂数量众多的龙头企业": the notice gives no number. A batch file may set
# ``supply_chain_leading_suppliers``; without it a firm with this many green-factory suppliers counts.
DEFAULT_SUPPLY_CHAIN_LEADING_SUPPLIERS = 10


class BatchFileError(ValueError):
    """A batch file is missing, malformed or lacks a parameter."""


@dataclass(frozen=True)
class RuleText:
    clause: str
    text: str


@dataclass(frozen=True)
class ReportLimits:
    inspiration_max: int
    introduction_max: dict[str, int]
    highlight_count: int
    highlight_title: tuple[int, int]
    highlight_body: tuple[int, int]
    highlight_min_pictures: int


@dataclass(frozen=True)
class Batch:
    code: str
    province: str
    province_name: str
    title: str
    timezone: str
    reference_date: dt.date
    deadline: dt.datetime
    lookback_years: int
    halt_months: int
    city_quota_ratio: Decimal
    evaluator_cap: int
    blacklist_years: int
    diagnosis_years: int
    park_min_industrial_share: Decimal
    park_share_strict: bool
    park_levels: tuple[str, ...]
    supply_chain_priority_industries: tuple[str, ...]
    consultation_departments: tuple[str, ...]
    report_required_categories: tuple[str, ...]
    report_limits: ReportLimits
    default_factory_standard: str
    industry_factory_standards: dict[str, str]
    rules: dict[str, RuleText]
    source: dict[str, str] = field(default_factory=dict)
    parameter_notes: dict[str, RuleText] = field(default_factory=dict)
    supply_chain_leading_suppliers: int = DEFAULT_SUPPLY_CHAIN_LEADING_SUPPLIERS
    # GB/T 2260 two-digit code of the province ("13" for Hebei): V1 matches a diagnosed client by
    # its uscc's area code where the province name does not match.
    province_region: str = ""

    def clause(self, rule: str) -> str:
        return self.rules[rule].clause

    @property
    def window_start(self) -> dt.date:
        """First day of the look-back window ("近三年"), inclusive."""
        return add_years(self.reference_date, -self.lookback_years)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later; the day is clamped to the target month's length."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _value(params: dict[str, Any], name: str) -> Any:
    try:
        entry = params[name]
    except KeyError as exc:
        raise BatchFileError(f"批次文件缺少参数 {name}") from exc
    if not isinstance(entry, dict) or "value" not in entry:
        raise BatchFileError(f"批次参数 {name} 须写成 {{value: …, clause: …}}")
    return entry["value"]


def parse_batch(data: dict[str, Any]) -> Batch:
    try:
        params = data["parameters"]
        tz = ZoneInfo(data.get("timezone", "Asia/Shanghai"))
        deadline = _value(params, "deadline")
        if isinstance(deadline, str):
            deadline = dt.datetime.fromisoformat(deadline)
        elif isinstance(deadline, dt.date) and not isinstance(deadline, dt.datetime):
            deadline = dt.datetime.combine(deadline, dt.time(23, 59, 59))
        if deadline.tzinfo is None:
            deadline = deadline.replace(tzinfo=tz)
        reference_date = _value(params, "reference_date")
        if isinstance(reference_date, str):
            reference_date = dt.date.fromisoformat(reference_date)
        limits = _value(params, "report_limits")
        standards = _value(params, "industry_factory_standards") or {}
        return Batch(
            code=str(data["code"]),
            province=str(data["province"]),
            province_name=str(data["province_name"]),
            title=str(data.get("title", data["code"])),
            timezone=str(tz),
            reference_date=reference_date,
            deadline=deadline,
            lookback_years=int(_value(params, "lookback_years")),
            halt_months=int(_value(params, "halt_months")),
            city_quota_ratio=Decimal(str(_value(params, "city_quota_ratio"))),
            evaluator_cap=int(_value(params, "evaluator_cap")),
            blacklist_years=int(_value(params, "blacklist_years")),
            diagnosis_years=int(_value(params, "diagnosis_years")),
            park_min_industrial_share=Decimal(str(_value(params, "park_min_industrial_share"))),
            park_share_strict=bool(params["park_min_industrial_share"].get("strict", True)),
            park_levels=tuple(_value(params, "park_levels")),
            supply_chain_priority_industries=tuple(_value(params, "supply_chain_priority_industries")),
            consultation_departments=tuple(_value(params, "consultation_departments")),
            report_required_categories=tuple(_value(params, "report_required_categories")),
            report_limits=ReportLimits(
                inspiration_max=int(limits["inspiration_max"]),
                introduction_max={k: int(v) for k, v in limits["introduction_max"].items()},
                highlight_count=int(limits["highlight_count"]),
                highlight_title=(int(limits["highlight_title"][0]), int(limits["highlight_title"][1])),
                highlight_body=(int(limits["highlight_body"][0]), int(limits["highlight_body"][1])),
                highlight_min_pictures=int(limits["highlight_min_pictures"]),
            ),
            default_factory_standard=str(_value(params, "default_factory_standard")),
            industry_factory_standards={
                industry: str(entry["standard"] if isinstance(entry, dict) else entry)
                for industry, entry in standards.items()
            },
            rules={
                rule: RuleText(clause=str(v["clause"]), text=str(v["text"]))
                for rule, v in data["rules"].items()
            },
            source={k: str(v) for k, v in (data.get("source") or {}).items()},
            parameter_notes={
                name: RuleText(clause=str(entry.get("clause", "")), text=str(entry.get("note", "")))
                for name, entry in params.items()
                if isinstance(entry, dict)
            },
            supply_chain_leading_suppliers=int(
                _value(params, "supply_chain_leading_suppliers")
                if "supply_chain_leading_suppliers" in params
                else DEFAULT_SUPPLY_CHAIN_LEADING_SUPPLIERS
            ),
            province_region=str(data.get("province_region", "")),
        )
    except BatchFileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise BatchFileError(f"批次文件格式错误：{exc!r}") from exc


def load_batch_file(path: Path) -> Batch:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BatchFileError(f"无法读取批次文件 {path}：{exc}") from exc
    except yaml.YAMLError as exc:
        raise BatchFileError(f"批次文件 {path} 不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise BatchFileError(f"批次文件 {path} 须为映射（键: 值）")
    return parse_batch(data)


def batch_path(province: str, code: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "batches" / f"{province}-{code}.yaml"


def load_batch(province: str, code: str, data_dir: Path = DATA_DIR) -> Batch:
    path = batch_path(province, code, data_dir)
    if not path.exists():
        raise BatchFileError(f"找不到批次 {code}（{province}）的批次文件：{path}")
    return load_batch_file(path)
