"""Batch files: one YAML file per province and year holding every parameter of the notice.

Rules read parameters only from a :class:`Batch`; a new year's notice is a new file.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from greenlist.rules.datafiles import read_yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# S2 "供应商中绿色工厂数量众多的龙头企业": the notice gives no number. A batch file may set
# ``supply_chain_leading_suppliers``; without it a firm with this many green-factory suppliers counts.
DEFAULT_SUPPLY_CHAIN_LEADING_SUPPLIERS = 10


# What a batch file leaves out keeps the 2024 campaign's shape (hebei-2024.yaml predates these keys).
ALL_CATEGORIES = ("factory", "park", "supply_chain")
ALL_METHODS = ("self", "third_party")
KINDS = ("national", "provincial", "review")
# The levels of the deadline chain, lowest first: who submits to whom (county → city → province →
# national platform).
LEVELS = ("county", "city", "province", "national")
LEVEL_LABELS = {"county": "县（市、区）", "city": "设区市", "province": "省厅", "national": "国家平台"}
# Rules that judge a third-party evaluation: off wherever the batch allows self-evaluation only.
EVALUATOR_RULES = ("V1", "V2", "V3", "V4")
DEFAULT_INDICATOR_SYSTEMS = {
    "factory": "gbt36132-2018",
    "park": "park-2016",
    "supply_chain": "supply-chain-generic",
}


class BatchFileError(ValueError):
    """A batch file is missing, malformed or lacks a parameter."""


@dataclass(frozen=True)
class Deadline:
    """One link of the deadline chain: ``level`` submits to the next level up by ``due``
    (None: not known, shown as 待核实)."""

    level: str
    due: dt.datetime | None
    confidence: str
    note: str = ""

    @property
    def label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


@dataclass(frozen=True)
class RelativeBar:
    """A bar relative to existing units (rule A1): an applicant's score should not fall below the
    average score of the province's active units of its category at ``level`` (e.g. 国家级)."""

    categories: tuple[str, ...]
    level: str
    effect: str
    confidence: str
    clause: str
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class PassMark:
    """A threshold a source names (a province's star bands, a notice's minimum score). A batch
    without one calls no result 合格 or 不合格 on a score alone."""

    value: Decimal
    confidence: str
    source: str
    bands: tuple[tuple[str, Decimal], ...] = ()  # (label, lower bound), highest first


@dataclass(frozen=True)
class DocumentSpec:
    code: str
    name: str
    categories: tuple[str, ...]
    clause: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class KeyIndustryRouting:
    """GB/T 4754 codes of the key industries → their sector requirement; every other industry →
    ``general`` (工信厅节函〔2025〕390号 附件3). ``file`` names the list under data/reference/."""

    file: str
    general: str
    confidence: str


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
    kind: str = "national"
    categories: tuple[str, ...] = ALL_CATEGORIES
    methods: tuple[str, ...] = ALL_METHODS
    quota: bool = True
    deadlines: tuple[Deadline, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    relative_bar: RelativeBar | None = None
    pass_mark: PassMark | None = None
    indicator_systems: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_INDICATOR_SYSTEMS))
    key_industry_routing: KeyIndustryRouting | None = None
    # The summary table's and the letter's layout (data/layouts/<name>.yaml).
    document_layout: str = "hebei-2024"
    # L1: the list level an applicant must already be on (same category), and the level this round
    # lists into (an applicant already there is not listed twice); None where the batch has no L1.
    listing_required: str | None = None
    listing_target: str | None = None
    # The national platform's upload layout (data/exports/<name>.yaml); "" where there is none.
    platform_export: str = ""
    # Parameter name → confidence mark (A/B/C) where the batch file gives one.
    parameter_confidence: dict[str, str] = field(default_factory=dict)

    def clause(self, rule: str) -> str:
        """The clause ``rule`` cites; "" for a rule the batch does not list (its findings are
        dropped by :meth:`on` before anyone sees them)."""
        text = self.rules.get(rule)
        return text.clause if text is not None else ""

    def on(self, rule: str) -> bool:
        """Whether ``rule`` applies in this batch: the batch file lists it under ``rules``, and
        nothing in the batch's shape switches it off (V1–V4 without third-party evaluation, Q1
        without a quota, A1 without a relative bar)."""
        if rule not in self.rules:
            return False
        if rule in EVALUATOR_RULES:
            return self.third_party_allowed
        if rule == "Q1":
            return self.quota
        if rule == "A1":
            return self.relative_bar is not None
        return True

    @property
    def third_party_allowed(self) -> bool:
        return "third_party" in self.methods

    def allows_category(self, category: str) -> bool:
        return category in self.categories

    def allows_method(self, method: str) -> bool:
        return method in self.methods

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


NO_REPORT_LIMITS: dict[str, Any] = {
    "inspiration_max": 0,
    "introduction_max": {},
    "highlight_count": 0,
    "highlight_title": [0, 0],
    "highlight_body": [0, 0],
    "highlight_min_pictures": 0,
}


def _moment(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59))
    if not isinstance(value, dt.datetime):
        raise BatchFileError(f"日期时间“{value}”格式错误，应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS+08:00")
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _choices(values: Any, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = tuple(str(v) for v in values)
    unknown = [v for v in items if v not in allowed]
    if unknown or not items:
        raise BatchFileError(f"批次文件的 {what} 取值 {unknown or '（空）'} 无效，可选：{'、'.join(allowed)}")
    return items


def _shape(data: dict[str, Any], tz: ZoneInfo, deadline: dt.datetime) -> dict[str, Any]:
    """The campaign kind's keys (all optional: a file without them has the 2024 shape)."""
    shape: dict[str, Any] = {}
    if "kind" in data:
        shape["kind"] = _choices([data["kind"]], KINDS, "kind")[0]
    if "categories" in data:
        shape["categories"] = _choices(data["categories"], ALL_CATEGORIES, "categories")
    if "methods" in data:
        shape["methods"] = _choices(data["methods"], ALL_METHODS, "methods")
    if "quota" in data:
        shape["quota"] = bool(data["quota"])
    chain = data.get("deadlines")
    if chain:
        shape["deadlines"] = tuple(
            Deadline(
                level=_choices([entry["level"]], LEVELS, "deadlines.level")[0],
                due=_moment(entry.get("due"), tz),
                confidence=str(entry.get("confidence", "C")),
                note=str(entry.get("note", "")),
            )
            for entry in chain
        )
    else:
        shape["deadlines"] = (Deadline(level="city", due=deadline, confidence="A"),)
    shape["documents"] = tuple(
        DocumentSpec(
            code=str(entry["code"]),
            name=str(entry["name"]),
            categories=tuple(str(c) for c in entry.get("categories", ALL_CATEGORIES)),
            clause=str(entry.get("clause", "")),
            confidence=str(entry.get("confidence", "")),
        )
        for entry in data.get("documents") or ()
    )
    bar = data.get("relative_bar")
    if bar:
        shape["relative_bar"] = RelativeBar(
            categories=_choices(bar["categories"], ALL_CATEGORIES, "relative_bar.categories"),
            level=str(bar.get("level", "national")),
            effect=str(bar.get("effect", "warn")),
            confidence=str(bar["confidence"]),
            clause=str(bar.get("clause", "")),
            source=str(bar.get("source", "")),
            note=str(bar.get("note", "")),
        )
    mark = data.get("pass_mark")
    if mark:
        if not mark.get("source"):
            raise BatchFileError("批次文件的 pass_mark 须注明来源 source：没有来源的合格分不得使用")
        shape["pass_mark"] = PassMark(
            value=Decimal(str(mark["value"])),
            confidence=str(mark["confidence"]),
            source=str(mark["source"]),
            bands=tuple((str(b["label"]), Decimal(str(b["from"]))) for b in mark.get("bands") or ()),
        )
    if "indicator_systems" in data:
        shape["indicator_systems"] = {str(k): str(v) for k, v in data["indicator_systems"].items()}
    routing = data.get("key_industry_routing")
    if routing:
        shape["key_industry_routing"] = KeyIndustryRouting(
            file=str(routing["file"]),
            general=str(routing["general"]),
            confidence=str(routing.get("confidence", "C")),
        )
    if "document_layout" in data:
        shape["document_layout"] = str(data["document_layout"])
    if "platform_export" in data:
        shape["platform_export"] = str(data["platform_export"])
    return shape


# Parameters a rule cannot run without: required wherever the batch switches the rule on.
RULE_PARAMETERS = {
    "V1": ("diagnosis_years",),
    "V2": ("blacklist_years",),
    "V3": ("evaluator_cap",),
    "Q1": ("city_quota_ratio",),
    "P1": ("park_min_industrial_share", "park_levels"),
    "S2": ("supply_chain_priority_industries",),
    "C1": ("consultation_departments",),
    "R1": ("report_required_categories",),
    "R2": ("report_limits",),
    "L1": ("listing_required",),
}


def _check_rule_parameters(batch: Batch, params: dict[str, Any]) -> Batch:
    for rule, names in RULE_PARAMETERS.items():
        if batch.on(rule):
            for name in names:
                _value(params, name)  # names the missing parameter
    return batch


def _list_level(value: Any) -> str | None:
    if value is None:
        return None
    return _choices([value], ("municipal", "provincial", "national"), "listing_required/listing_target")[0]


def _optional(params: dict[str, Any], name: str, default: Any) -> Any:
    """A parameter only some kinds of campaign need (e.g. the evaluator cap where third-party
    evaluation is allowed): ``default`` when the batch file leaves it out."""
    return _value(params, name) if name in params else default


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
        # R1/R2 read these; a batch without an experience report leaves them out.
        limits = _optional(params, "report_limits", None) or NO_REPORT_LIMITS
        standards = _optional(params, "industry_factory_standards", None) or {}
        batch = Batch(
            code=str(data["code"]),
            province=str(data["province"]),
            province_name=str(data["province_name"]),
            title=str(data.get("title", data["code"])),
            timezone=str(tz),
            reference_date=reference_date,
            deadline=deadline,
            lookback_years=int(_value(params, "lookback_years")),
            halt_months=int(_value(params, "halt_months")),
            city_quota_ratio=Decimal(str(_optional(params, "city_quota_ratio", "0"))),
            evaluator_cap=int(_optional(params, "evaluator_cap", 0)),
            blacklist_years=int(_optional(params, "blacklist_years", 0)),
            diagnosis_years=int(_optional(params, "diagnosis_years", 0)),
            park_min_industrial_share=Decimal(str(_optional(params, "park_min_industrial_share", "0"))),
            park_share_strict=bool((params.get("park_min_industrial_share") or {}).get("strict", True)),
            park_levels=tuple(_optional(params, "park_levels", ())),
            supply_chain_priority_industries=tuple(_optional(params, "supply_chain_priority_industries", ())),
            consultation_departments=tuple(_optional(params, "consultation_departments", ())),
            report_required_categories=tuple(_optional(params, "report_required_categories", ())),
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
            parameter_confidence={
                name: str(entry["confidence"])
                for name, entry in params.items()
                if isinstance(entry, dict) and "confidence" in entry
            },
            listing_required=_list_level(_optional(params, "listing_required", None)),
            listing_target=_list_level(_optional(params, "listing_target", None)),
            **_shape(data, tz, deadline),
        )
        return _check_rule_parameters(batch, params)
    except BatchFileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise BatchFileError(f"批次文件格式错误：{exc!r}") from exc


def load_batch_file(path: Path) -> Batch:
    """The batch file at ``path``, parsed once per version of the file (its size and modification
    time): pages read it on most requests, and an edited file is read again at once."""
    try:
        found = path.stat()
    except OSError as exc:
        raise BatchFileError(f"无法读取批次文件 {path}：{exc}") from exc
    return _parsed_batch_file(path.resolve(), found.st_mtime_ns, found.st_size)


@functools.lru_cache(maxsize=32)
def _parsed_batch_file(path: Path, mtime_ns: int, size: int) -> Batch:
    # A Batch is frozen, so one parsed copy can be shared; a failed parse is not cached.
    try:
        data = read_yaml(path)
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
