"""The yearly dynamic-management filing (动态管理表): its cycle and form as data, the form's checks,
and the flags a city's audit starts from (DM1–DM4).

Plain Python, no Django: the cycle file (``data/cycles/dynamic-<year>.yaml``) gives the deadlines
of every stage with their source and confidence; the form file (``data/cycles/forms/<version>.yaml``)
gives the fields, their checks, the direction in which a value gets worse and the change that
flags. A new form version is a new file, never new code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.exclusions import RULE_OF_TYPE
from greenlist.rules.facts import NegativeRecord
from greenlist.rules.findings import Finding
from greenlist.rules.vocabulary import Category, Effect

STAGES = ("unit", "city", "province", "national")
FIELD_TYPES = ("number", "percent", "integer", "text", "choice", "bool")

# Where each flag comes from. The 13号文 article is B (secondary quotation of the PDF); the
# on-site and change rules are from provincial practice (Heilongjiang), the thresholds the
# province's own choice, both recorded in the cycle and form files.
DM_CLAUSES = {
    "DM1": "《绿色工厂梯度培育及管理暂行办法》第十六条；本省动态管理填报时限",
    "DM2": "《绿色工厂梯度培育及管理暂行办法》第十五条（负面清单）；动态管理审核核查事故与违法违规",
    "DM3": "动态管理审核：关键指标不再满足要求的，组织现场评估（填报表阈值为本省口径）",
    "DM4": "名称、边界、范围变更须在动态管理表中申报，由设区市复核（黑龙江省实施细则做法）",
}
DM_TITLES = {
    "DM1": "逾期未填报动态管理表",
    "DM2": "审核期内有负面记录",
    "DM3": "关键指标较上年或基准变差",
    "DM4": "申报名称或边界变更",
}


class CycleFileError(ValueError):
    """A cycle or form file is missing, malformed or incomplete."""


@dataclass(frozen=True)
class Deadline:
    stage: str
    label: str
    due: dt.datetime
    source: str
    confidence: str
    provincial_choice: bool

    @property
    def unverified(self) -> bool:
        return self.confidence == "C"


@dataclass(frozen=True)
class Threshold:
    kind: str  # "relative" (share of last year's value) or "absolute" (difference)
    value: Decimal


@dataclass(frozen=True)
class FormField:
    code: str
    name: str
    unit: str
    type: str
    required: bool
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    categories: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    worse: str = ""  # "higher" or "lower": the direction in which the value gets worse
    threshold: Threshold | None = None
    benchmarks: Mapping[str, Decimal] = field(default_factory=dict)
    bad_value: str = ""  # a choice that is itself a finding (an accident declared)
    change: str = ""  # "name" or "boundary": a yes here declares that change (DM4)

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "percent", "integer")

    def applies_to(self, category: str) -> bool:
        return not self.categories or category in self.categories


@dataclass(frozen=True)
class Form:
    version: str
    title: str
    source: str
    confidence: str
    fields: tuple[FormField, ...]
    score_field: str = ""

    def fields_for(self, category: str) -> list[FormField]:
        return [f for f in self.fields if f.applies_to(category)]

    def field(self, code: str) -> FormField:
        for candidate in self.fields:
            if candidate.code == code:
                return candidate
        raise KeyError(code)


@dataclass(frozen=True)
class Cycle:
    year: int
    data_year: int
    title: str
    timezone: str
    form_version: str
    levels: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    source: str
    confidence: str
    record_period: tuple[dt.date, dt.date]
    record_period_source: str
    remind_days: tuple[int, ...]

    def deadline(self, stage: str) -> Deadline:
        for deadline in self.deadlines:
            if deadline.stage == stage:
                return deadline
        raise KeyError(stage)

    @property
    def filing_deadline(self) -> dt.datetime:
        return self.deadline("unit").due


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] is None:
        raise CycleFileError(f"{where} 缺少“{key}”")
    return data[key]


def _decimal(raw: Any, where: str) -> Decimal:
    try:
        return Decimal(str(raw))
    except InvalidOperation as exc:
        raise CycleFileError(f"{where}：“{raw}”不是数字") from exc


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise CycleFileError(f"找不到文件 {path}")
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise CycleFileError(f"{path.name} 不是 YAML 映射")
    return data


def cycle_path(year: int, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "cycles" / f"dynamic-{year}.yaml"


def form_path(version: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "cycles" / "forms" / f"{version}.yaml"


def available_cycles(data_dir: Path = DATA_DIR) -> list[int]:
    folder = data_dir / "cycles"
    years = []
    for path in folder.glob("dynamic-*.yaml"):
        suffix = path.stem.removeprefix("dynamic-")
        if suffix.isdigit():
            years.append(int(suffix))
    return sorted(years)


def load_cycle(year: int, data_dir: Path = DATA_DIR) -> Cycle:
    path = cycle_path(year, data_dir)
    data = _read(path)
    where = path.name
    zone = ZoneInfo(str(data.get("timezone", "Asia/Shanghai")))
    deadlines = []
    for index, raw in enumerate(_require(data, "deadlines", where)):
        item = f"{where} deadlines[{index}]"
        stage = str(_require(raw, "stage", item))
        if stage not in STAGES:
            raise CycleFileError(f"{item}：未知环节“{stage}”（应为 {'、'.join(STAGES)}）")
        due = _require(raw, "due", item)
        if isinstance(due, str):
            due = dt.datetime.fromisoformat(due)
        elif isinstance(due, dt.date) and not isinstance(due, dt.datetime):
            due = dt.datetime.combine(due, dt.time(23, 59, 59))
        if due.tzinfo is None:
            due = due.replace(tzinfo=zone)
        confidence = str(_require(raw, "confidence", item))
        if confidence not in ("A", "B", "C"):
            raise CycleFileError(f"{item}：可信度须为 A、B 或 C")
        deadlines.append(
            Deadline(
                stage=stage,
                label=str(raw.get("label", stage)),
                due=due,
                source=str(_require(raw, "source", item)),
                confidence=confidence,
                provincial_choice=bool(raw.get("provincial_choice", False)),
            )
        )
    stages = [d.stage for d in deadlines]
    if stages != [s for s in STAGES if s in stages] or "unit" not in stages:
        raise CycleFileError(f"{where}：截止时间须按 单位 → 市 → 省 → 国家 排列，且含单位填报时限")
    dues = [d.due for d in deadlines]
    if dues != sorted(dues):
        raise CycleFileError(f"{where}：下级环节的截止时间不得晚于上级环节")
    period = data.get("negative_record_period") or {}
    year_value = int(_require(data, "year", where))
    data_year = int(data.get("data_year", year_value - 1))
    start = period.get("start", dt.date(data_year, 1, 1))
    end = period.get("end", deadlines[-1].due.date())
    return Cycle(
        year=year_value,
        data_year=data_year,
        title=str(data.get("title", f"{year_value}年度动态管理")),
        timezone=str(zone),
        form_version=str(_require(data, "form", where)),
        levels=tuple(str(level) for level in data.get("levels", ("national", "provincial", "municipal"))),
        deadlines=tuple(deadlines),
        source=str(data.get("source", "")),
        confidence=str(data.get("confidence", "C")),
        record_period=(start, end),
        record_period_source=str(period.get("source", "")),
        remind_days=tuple(sorted((int(d) for d in data.get("remind_days", (7, 3, 1))), reverse=True)),
    )


def _threshold(raw: Any, where: str) -> Threshold | None:
    if not raw:
        return None
    kind = str(raw.get("kind", "relative"))
    if kind not in ("relative", "absolute"):
        raise CycleFileError(f"{where}：阈值类型须为 relative 或 absolute")
    return Threshold(kind=kind, value=_decimal(_require(raw, "value", where), where))


def load_form(version: str, data_dir: Path = DATA_DIR) -> Form:
    path = form_path(version, data_dir)
    data = _read(path)
    where = path.name
    fields = []
    seen: set[str] = set()
    for index, raw in enumerate(_require(data, "fields", where)):
        item = f"{where} fields[{index}]"
        code = str(_require(raw, "code", item))
        if code in seen:
            raise CycleFileError(f"{item}：字段代码“{code}”重复")
        seen.add(code)
        kind = str(_require(raw, "type", item))
        if kind not in FIELD_TYPES:
            raise CycleFileError(f"{item}：未知类型“{kind}”")
        check = raw.get("check") or {}
        categories = tuple(str(c) for c in raw.get("categories", ()))
        unknown = set(categories) - {c.value for c in Category}
        if unknown:
            raise CycleFileError(f"{item}：未知类别 {sorted(unknown)}")
        worse = str(raw.get("worse", ""))
        if worse not in ("", "higher", "lower"):
            raise CycleFileError(f"{item}：worse 须为 higher 或 lower")
        fields.append(
            FormField(
                code=code,
                name=str(_require(raw, "name", item)),
                unit=str(raw.get("unit", "")),
                type=kind,
                required=bool(check.get("required", False)),
                minimum=_decimal(check["min"], item) if check.get("min") is not None else None,
                maximum=_decimal(check["max"], item) if check.get("max") is not None else None,
                categories=categories,
                choices=tuple(str(c) for c in raw.get("choices", ())),
                worse=worse,
                threshold=_threshold(raw.get("threshold"), item),
                benchmarks={str(k): _decimal(v, item) for k, v in (raw.get("benchmark") or {}).items()},
                bad_value=str(raw.get("bad_value", "")),
                change=str(raw.get("change", "")),
            )
        )
    score_field = str(data.get("score_field", ""))
    if score_field and score_field not in seen:
        raise CycleFileError(f"{where}：score_field “{score_field}”不是表中的字段")
    return Form(
        version=str(_require(data, "version", where)),
        title=str(data.get("title", version)),
        source=str(data.get("source", "")),
        confidence=str(data.get("confidence", "C")),
        fields=tuple(fields),
        score_field=score_field,
    )


# --- checking values -------------------------------------------------------------------------


# Bounds of any number on a filing, whatever the form says: far beyond real values (output in
# 万元, water in m³) yet small enough that every number is stored and shown as plain text.
MAX_NUMBER_CHARS = 40
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 8


def _number(field_: FormField, raw: str) -> Decimal:
    text = raw.replace(",", "").replace("，", "").strip()
    if field_.type == "percent":
        text = text.removesuffix("%").strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"过长（不超过 {MAX_NUMBER_CHARS} 个字符），请填写阿拉伯数字（如 12.5）")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{raw}”不是数字，请填写阿拉伯数字（如 12.5）") from exc
    if not value.is_finite():
        raise ValueError(f"“{raw}”不是有效数字")
    # A finite Decimal may still carry an exponent of a billion: written out in full it would
    # take a gigabyte. Bound the size and the decimals before anything formats it.
    if value.is_zero():
        value = Decimal(0)
    elif value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(f"数值过大（整数部分不超过 {MAX_INTEGER_DIGITS} 位），请核对单位和数值")
    elif value.normalize().as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        raise ValueError(f"小数位数过多（不超过 {MAX_DECIMALS} 位）")
    if field_.type == "integer" and value != value.to_integral_value():
        raise ValueError("须为整数")
    if field_.minimum is not None and value < field_.minimum:
        raise ValueError(f"不得小于 {field_.minimum}")
    if field_.maximum is not None and value > field_.maximum:
        raise ValueError(f"不得大于 {field_.maximum}")
    return value


def check_values(
    form: Form, category: str, raw: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, str], dict[str, str]]:
    """Check the values of one filing against the form. Returns ``(clean, errors)``: the values as
    stored (numbers in plain decimal text) and, per field code, what is wrong and how to fix it.
    ``partial`` (a draft) lets required fields stay empty."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field_ in form.fields_for(category):
        value = raw.get(field_.code)
        text = "" if value is None else str(value).strip()
        if not text:
            if field_.required and not partial:
                errors[field_.code] = f"请填写“{field_.name}”"
            continue
        try:
            if field_.numeric:
                clean[field_.code] = _plain(_number(field_, text))
            elif field_.type == "choice":
                if text not in field_.choices:
                    raise ValueError(f"须为 {'、'.join(field_.choices)} 之一")
                clean[field_.code] = text
            elif field_.type == "bool":
                if text not in ("是", "否"):
                    raise ValueError("须为“是”或“否”")
                clean[field_.code] = text
            else:
                if len(text) > 500:
                    raise ValueError("不超过 500 字")
                clean[field_.code] = text
        except ValueError as exc:
            errors[field_.code] = f"“{field_.name}”{exc}"
    changed = [f for f in form.fields_for(category) if f.change == "name" and clean.get(f.code) == "是"]
    if changed and "new_name" in {f.code for f in form.fields_for(category)} and not clean.get("new_name"):
        errors["new_name"] = "申报了名称变更，请填写“变更后名称”"
    return clean, errors


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# --- comparing with last year ----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    field: FormField
    this_year: str
    last_year: str
    change: Decimal | None  # relative (share) or absolute, per the field's threshold kind
    worse: bool  # beyond the threshold in the worse direction

    @property
    def change_text(self) -> str:
        if self.change is None:
            return ""
        threshold = self.field.threshold
        if threshold is not None and threshold.kind == "relative":
            return f"{self.change * 100:+.1f}%"
        return f"{self.change:+}"


def _worse_by(field_: FormField, this: Decimal, last: Decimal) -> Decimal | None:
    """How much worse ``this`` is than ``last`` (positive: worse), in the threshold's kind."""
    threshold = field_.threshold
    if threshold is None or not field_.worse:
        return None
    difference = this - last if field_.worse == "higher" else last - this
    if threshold.kind == "absolute":
        return difference
    if last == 0:
        return None
    return (difference / abs(last)).quantize(Decimal("0.0001"))


def _checked(field_: FormField, raw: str) -> Decimal | None:
    """The value as a number when it passes the field's checks; None otherwise (a form shown again
    with its errors holds what was typed: no comparison for a value that is not a valid number)."""
    if not raw:
        return None
    try:
        return _number(field_, raw)
    except ValueError:
        return None


def compare(form: Form, category: str, this: Mapping[str, str], last: Mapping[str, str]) -> list[Comparison]:
    """This year's numeric values beside last year's, with the change and whether it crosses the
    field's threshold in the worse direction."""
    rows = []
    for field_ in form.fields_for(category):
        if not field_.numeric:
            continue
        now, before = this.get(field_.code, ""), last.get(field_.code, "")
        change: Decimal | None = None
        worse = False
        this_value, last_value = _checked(field_, now), _checked(field_, before)
        if this_value is not None and last_value is not None:
            by = _worse_by(field_, this_value, last_value)
            if by is not None and field_.threshold is not None:
                worse = by > field_.threshold.value
                # Shown as the signed change of the value itself, not of "worseness".
                change = by if field_.worse == "higher" else -by
        rows.append(Comparison(field_, now, before, change, worse))
    return rows


# --- the flags (DM1–DM4) ---------------------------------------------------------------------


def _flag(rule: str, message: str, **evidence: Any) -> Finding:
    return Finding(rule=rule, clause=DM_CLAUSES[rule], message=message, effect=Effect.WARN, evidence=evidence)


def dm1_not_filed(cycle: Cycle, filed_at: dt.datetime | None, now: dt.datetime) -> list[Finding]:
    """DM1: the unit's filing was not submitted by the cycle's unit deadline (late, or not yet)."""
    due = cycle.filing_deadline
    local = due.astimezone(ZoneInfo(cycle.timezone))
    if filed_at is None:
        if now <= due:
            return []
        return [_flag("DM1", f"截至 {local:%Y年%m月%d日} 填报截止时未填报动态管理表", due=due.isoformat())]
    if filed_at > due:
        filed = filed_at.astimezone(ZoneInfo(cycle.timezone))
        return [
            _flag(
                "DM1",
                f"动态管理表于 {filed:%Y年%m月%d日} 提交，晚于填报截止时间 {local:%Y年%m月%d日}",
                due=due.isoformat(),
                filed_at=filed_at.isoformat(),
            )
        ]
    return []


def dm2_negative_records(cycle: Cycle, records: Iterable[NegativeRecord]) -> list[Finding]:
    """DM2: a negative record (E1–E6 types) whose period touches the cycle's review period."""
    start, end = cycle.record_period
    findings = []
    for record in records:
        record_end = record.end or record.start
        if record.start > end or record_end < start:
            continue
        rule = RULE_OF_TYPE.get(record.type, "")
        findings.append(
            _flag(
                "DM2",
                f"{record.start:%Y-%m-%d} 起有{record.type.label}记录（对应规则 {rule}）"
                + (f"，来源：{record.source}" if record.source else ""),
                type=record.type.value,
                exclusion_rule=rule,
                start=record.start.isoformat(),
                end=record.end.isoformat() if record.end else None,
            )
        )
    return findings


def dm3_indicators(
    form: Form, category: str, this: Mapping[str, str], last: Mapping[str, str]
) -> list[Finding]:
    """DM3: a key indicator worse than last year beyond its threshold, or worse than the
    category's benchmark where the form gives one; an accident declared in the form."""
    findings = []
    for row in compare(form, category, this, last):
        if row.worse:
            findings.append(
                _flag(
                    "DM3",
                    f"“{row.field.name}”由 {row.last_year} 变为 {row.this_year}{row.field.unit}"
                    f"（{row.change_text}），变差超过阈值",
                    field=row.field.code,
                    this_year=row.this_year,
                    last_year=row.last_year,
                )
            )
    for field_ in form.fields_for(category):
        benchmark = field_.benchmarks.get(category)
        value = this.get(field_.code, "")
        if benchmark is None or not value or not field_.worse:
            continue
        number = Decimal(value)
        if (field_.worse == "higher" and number > benchmark) or (
            field_.worse == "lower" and number < benchmark
        ):
            findings.append(
                _flag(
                    "DM3",
                    f"“{field_.name}”为 {value}{field_.unit}，劣于本类别基准值 {_plain(benchmark)}{field_.unit}",
                    field=field_.code,
                    benchmark=_plain(benchmark),
                )
            )
    for field_ in form.fields_for(category):
        if field_.bad_value and this.get(field_.code) == field_.bad_value:
            findings.append(
                _flag("DM3", f"单位在动态管理表中申报“{field_.name}”：{field_.bad_value}", field=field_.code)
            )
    return findings


def dm4_changes(form: Form, category: str, this: Mapping[str, str]) -> list[Finding]:
    """DM4: a change of name or of boundary/scope declared in the form."""
    findings = []
    for field_ in form.fields_for(category):
        if field_.change and this.get(field_.code) == "是":
            what = "名称" if field_.change == "name" else "边界或范围"
            detail = this.get("new_name", "") if field_.change == "name" else this.get("change_note", "")
            findings.append(
                _flag(
                    "DM4",
                    f"单位申报{what}变更"
                    + (f"：{detail}" if detail else "")
                    + "，须复核并视情况提出更名或调整建议",
                    change=field_.change,
                    detail=detail,
                )
            )
    return findings


@dataclass(frozen=True)
class FilingFacts:
    """What the flags read about one listed unit in one cycle."""

    category: str
    filed_at: dt.datetime | None
    values: Mapping[str, str]
    last_values: Mapping[str, str]
    records: tuple[NegativeRecord, ...] = ()


def filing_flags(cycle: Cycle, form: Form, facts: FilingFacts, now: dt.datetime) -> list[Finding]:
    """Every flag of one unit's filing, in rule order."""
    return [
        *dm1_not_filed(cycle, facts.filed_at, now),
        *dm2_negative_records(cycle, facts.records),
        *dm3_indicators(form, facts.category, facts.values, facts.last_values),
        *dm4_changes(form, facts.category, facts.values),
    ]
