"""Indicator systems (评价指标体系) as versioned data: one YAML file per system in ``data/indicators/``.

A system holds its basic requirements (the veto gate), its first-level areas with weights, and its
indicators with direction, 引领值/基准值 and points. Every number carries a confidence mark (A: the
standard's own text; B: reputable secondary; C: not verified — a placeholder shown as such), because
several of them (the 2018 weights, every park value, every pass mark) could not be confirmed and the
reviewer must see which numbers the result rests on. Plain dataclasses; no Django import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import parse_yaml
from greenlist.rules.names import normalise_name

INDICATORS_DIR = DATA_DIR / "indicators"

Kind = Literal["forward", "inverse", "qualitative"]
Confidence = Literal["A", "B", "C"]
Method = Literal["linear", "ratio"]
Requirement = Literal["mandatory", "optional"]

KINDS: dict[str, str] = {
    "forward": "正向（越高越好）",
    "inverse": "逆向（越低越好）",
    "qualitative": "定性（评审给分）",
}
METHODS: dict[str, str] = {
    "linear": "线性比例法（基准值→引领值）",
    "ratio": "比值法（实际值与引领值之比，绿色指数）",
}
CONFIDENCES: dict[str, str] = {"A": "标准原文", "B": "可靠二手资料", "C": "未核实（占位）"}
REQUIREMENTS: dict[str, str] = {"mandatory": "必选", "optional": "可选"}

# Indicators an input names that the system does not know are scored in this area, at their own
# points, on top of the weighted areas (see greenlist.scoring.score).
OTHER_AREA = "其他"

HUNDRED = Decimal(100)


class ScoringError(ValueError):
    """Bad scoring data or input; the message is Chinese and names what is wrong and where."""


class IndicatorSystemError(ScoringError):
    """An indicator-system file (or a weights override) is missing something or is inconsistent."""


@dataclass(frozen=True)
class Source:
    document: str
    url: str = ""
    confidence: Confidence = "C"
    note: str = ""


@dataclass(frozen=True)
class Marked:
    """A number with its confidence mark and, for C, the note saying what is to be confirmed."""

    value: Decimal
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True)
class BasicRequirement:
    """One basic requirement (基本要求): a gate — any one failed and the applicant is not green."""

    id: str
    text: str
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True)
class Area:
    """A first-level indicator (一级指标) and its weight on the 100-point total."""

    name: str
    weight: Decimal
    confidence: Confidence
    code: str = ""
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    """A scored indicator (the lowest level of the tree, usually a second-level one).

    ``leading``/``baseline`` are None where the value depends on the industry (the input supplies
    it) or is unknown (confidence C). ``confidence`` covers the indicator's definition and its fixed
    values; ``points_confidence`` may mark the points lower (e.g. a confirmed park indicator whose
    points are a placeholder).
    """

    id: str
    name: str
    area: str
    kind: Kind
    points: Decimal
    confidence: Confidence
    unit: str = ""
    leading: Decimal | None = None
    baseline: Decimal | None = None
    requirement: Requirement | None = None
    points_confidence: Confidence | None = None
    note: str = ""

    @property
    def quantitative(self) -> bool:
        return self.kind != "qualitative"

    @property
    def points_mark(self) -> Confidence:
        return self.points_confidence or self.confidence


@dataclass(frozen=True)
class IndicatorSystem:
    id: str
    title: str
    standard: str
    edition: str
    category: str  # factory | park | supply_chain (greenlist.rules.vocabulary.Category values)
    effective_from: dt.date | None
    sources: tuple[Source, ...]
    method: Method
    method_note: str
    # A threshold only where a source names one (A or B); None: the score is not judged against any
    # number, and ``pass_mark_note`` says why (e.g. GB/T 36132-2025 §6 names no pass mark).
    pass_mark: Marked | None
    mandatory_gate: bool  # every mandatory (必选) indicator must be fully met to be green
    basic_requirements: tuple[BasicRequirement, ...]
    areas: tuple[Area, ...]
    indicators: tuple[Indicator, ...]
    superseded_on: dt.date | None = None
    replaces: str = ""
    mandatory_gate_note: str = ""
    pass_mark_note: str = ""

    @property
    def label(self) -> str:
        return f"{self.standard}《{self.title}》" if self.title not in self.standard else self.standard

    def area(self, name: str) -> Area:
        for area in self.areas:
            if area.name == name:
                return area
        raise KeyError(name)

    def indicator(self, key: str) -> Indicator | None:
        """The indicator whose id or name is ``key`` (widths and spaces ignored), if any."""
        wanted = normalise_name(key)
        for indicator in self.indicators:
            if wanted in (normalise_name(indicator.id), normalise_name(indicator.name)):
                return indicator
        return None

    def indicators_in(self, area: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.area == area)

    def area_points(self, area: str) -> Decimal:
        return sum((i.points for i in self.indicators_in(area)), Decimal(0))

    def weights(self) -> dict[str, Decimal]:
        return {area.name: area.weight for area in self.areas}

    def reweighted(self, weights: Mapping[str, Any]) -> IndicatorSystem:
        """The same system with other area weights (the weights are configurable, e.g. by a
        province or an industry scheme); they must name every area and sum to 100. Indicator points
        are not touched: an area's subtotal is its share of points earned times its weight."""
        unknown = sorted(set(weights) - {a.name for a in self.areas})
        if unknown:
            raise IndicatorSystemError(
                f"权重中有体系{self.standard}没有的一级指标：{'、'.join(unknown)}"
                f"（可选：{'、'.join(a.name for a in self.areas)}）"
            )
        missing = [a.name for a in self.areas if a.name not in weights]
        if missing:
            raise IndicatorSystemError(f"权重须给出全部一级指标，缺少：{'、'.join(missing)}")
        parsed: dict[str, Decimal] = {}
        for name, value in weights.items():
            number = _decimal(value, f"一级指标“{name}”的权重")
            if number is None or number < 0:
                raise IndicatorSystemError(f"一级指标“{name}”的权重应为不小于0的数")
            parsed[name] = number
        _check_weight_sum(parsed, self.standard)
        # A user's weight is not a sourced figure: it is marked C and says where it came from.
        areas = tuple(
            replace(a, weight=parsed[a.name], confidence="C", note="权重由使用者另行设定") for a in self.areas
        )
        return replace(self, areas=areas)


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise IndicatorSystemError(f"{where}应为数字，实际为 {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise IndicatorSystemError(f"{where}应为数字，实际为 {value!r}") from exc
    if not number.is_finite():
        raise IndicatorSystemError(f"{where}应为有限的数字，实际为 {value!r}")
    return number


def _check_weight_sum(weights: Mapping[str, Decimal], standard: str) -> None:
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        listed = "、".join(f"{name} {fmt(value)}" for name, value in weights.items())
        raise IndicatorSystemError(
            f"体系{standard}的一级指标权重合计应为100，实际为 {fmt(total)}（{listed}）"
        )


def fmt(number: Decimal) -> str:
    """A number as people write it: no exponent, no trailing zeros ("8", "0.85", "-30")."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


class _Reader:
    """Reads one system file, naming the file and the entry in every error."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, message: str) -> IndicatorSystemError:
        return IndicatorSystemError(f"{self.origin}：{message}")

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"{where}缺少 {key}")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(f"{where}的 {key} 应为文字")
        return str(value).strip()

    def number(self, data: Mapping[str, Any], key: str, where: str) -> Decimal | None:
        try:
            return _decimal(data.get(key), f"{where}的 {key} ")
        except IndicatorSystemError as exc:
            raise self.fail(str(exc)) from exc

    def confidence(self, data: Mapping[str, Any], where: str, key: str = "confidence") -> Confidence:
        value = data.get(key)
        if value not in CONFIDENCES:
            raise self.fail(f"{where}的 {key} 应为 A、B 或 C，实际为 {value!r}")
        # A C mark is a placeholder; it must say what is to be confirmed, or nobody will.
        if value == "C" and not str(data.get("note") or "").strip():
            raise self.fail(f"{where}标为C（未核实），须在 note 中说明待核实的内容")
        return cast(Confidence, value)

    def date(self, data: Mapping[str, Any], key: str) -> dt.date | None:
        value = data.get(key)
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.fail(f"{key} 应为 YYYY-MM-DD 日期，实际为 {value!r}") from exc

    def mappings(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"缺少 {key}（应为非空列表）")
        for index, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                raise self.fail(f"{key} 第{index}项应为键值对")
        return value


def parse_system(data: Any, origin: str = "评价体系") -> IndicatorSystem:
    """Build and check a system from a parsed YAML document; raise IndicatorSystemError if it is
    incomplete or inconsistent (weights not summing to 100, an area's points not equal to its
    weight, an indicator in an unknown area, a forward indicator whose 引领值 is below its 基准值…)."""
    read = _Reader(origin)
    if not isinstance(data, Mapping):
        raise read.fail("文件内容应为键值对（YAML 映射）")
    system_id = read.text(data, "id", "体系")
    read.origin = f"{origin}（{system_id}）" if system_id not in origin else origin
    standard = read.text(data, "standard", "体系")
    method = data.get("method", "linear")
    if method not in METHODS:
        raise read.fail(f"method 应为 {'、'.join(METHODS)} 之一，实际为 {method!r}")
    category = read.text(data, "category", "体系")
    if category not in ("factory", "park", "supply_chain"):
        raise read.fail(f"category 应为 factory、park 或 supply_chain，实际为 {category!r}")

    sources = []
    raw_sources = data.get("source")
    if isinstance(raw_sources, str):
        raw_sources = [{"document": raw_sources, "confidence": "A"}]
    if not isinstance(raw_sources, list) or not raw_sources:
        raise read.fail("缺少 source（来源文件或网址）")
    for index, raw in enumerate(raw_sources, start=1):
        if not isinstance(raw, Mapping):
            raise read.fail(f"source 第{index}项应为键值对")
        where = f"来源第{index}项"
        sources.append(
            Source(
                document=read.text(raw, "document", where),
                url=read.text(raw, "url", where, required=False),
                confidence=read.confidence(raw, where),
                note=read.text(raw, "note", where, required=False),
            )
        )

    raw_pass = data.get("pass_mark")
    if not isinstance(raw_pass, Mapping):
        raise read.fail("pass_mark 应写成 {value: …, confidence: …, note: …}（无来源时 value 写 null）")
    pass_value = read.number(raw_pass, "value", "合格分")
    pass_confidence = read.confidence(raw_pass, "合格分")
    pass_note = read.text(raw_pass, "note", "合格分", required=False)
    pass_mark: Marked | None = None
    if pass_value is not None:
        if not Decimal(0) <= pass_value <= HUNDRED:
            raise read.fail("合格分 pass_mark.value 应为0–100之间的数")
        if pass_confidence == "C":
            # An unsourced threshold would call results 合格/不合格 on nobody's authority.
            raise read.fail("合格分须有来源（置信度A或B）；未找到来源时 value 写 null，并在 note 中说明")
        pass_mark = Marked(pass_value, pass_confidence, pass_note)

    requirements: list[BasicRequirement] = []
    for raw in read.mappings(data, "basic_requirements"):
        where = f"基本要求 {raw.get('id', '?')}"
        requirements.append(
            BasicRequirement(
                id=read.text(raw, "id", where),
                text=read.text(raw, "text", where),
                confidence=read.confidence(raw, where),
                note=read.text(raw, "note", where, required=False),
            )
        )
    _unique([r.id for r in requirements], "基本要求编号", read)

    areas: list[Area] = []
    for raw in read.mappings(data, "areas"):
        name = read.text(raw, "name", "一级指标")
        where = f"一级指标“{name}”"
        weight = read.number(raw, "weight", where)
        if weight is None or weight < 0:
            raise read.fail(f"{where}的权重 weight 应为不小于0的数")
        areas.append(
            Area(
                name=name,
                weight=weight,
                confidence=read.confidence(raw, where),
                code=read.text(raw, "code", where, required=False),
                note=read.text(raw, "note", where, required=False),
            )
        )
    _unique([a.name for a in areas], "一级指标名称", read)
    if OTHER_AREA in {a.name for a in areas}:
        raise read.fail(f"一级指标不能命名为“{OTHER_AREA}”（保留给体系外指标）")
    try:
        _check_weight_sum({a.name: a.weight for a in areas}, standard)
    except IndicatorSystemError as exc:
        raise read.fail(str(exc)) from exc

    indicators = [
        _parse_indicator(raw, read, {a.name for a in areas}) for raw in read.mappings(data, "indicators")
    ]
    _unique([i.id for i in indicators], "指标编号", read)
    _unique([normalise_name(i.name) for i in indicators], "指标名称", read)
    for area in areas:
        inside = [i for i in indicators if i.area == area.name]
        if not inside:
            raise read.fail(f"一级指标“{area.name}”下没有指标")
        # The file states each indicator's points as its contribution to the 100-point total, so an
        # area's points must add up to its weight; a mismatch is a typo in one or the other.
        points = sum((i.points for i in inside), Decimal(0))
        if points != area.weight:
            raise read.fail(
                f"一级指标“{area.name}”下各指标分值合计 {fmt(points)}，与其权重 {fmt(area.weight)} 不一致"
            )

    return IndicatorSystem(
        id=system_id,
        title=read.text(data, "title", "体系"),
        standard=standard,
        edition=read.text(data, "edition", "体系"),
        category=category,
        effective_from=read.date(data, "effective_from"),
        superseded_on=read.date(data, "superseded_on"),
        replaces=read.text(data, "replaces", "体系", required=False),
        sources=tuple(sources),
        method=cast(Method, method),
        method_note=read.text(data, "method_note", "体系", required=False),
        pass_mark=pass_mark,
        pass_mark_note=pass_note,
        mandatory_gate=bool(data.get("mandatory_gate", False)),
        mandatory_gate_note=read.text(data, "mandatory_gate_note", "体系", required=False),
        basic_requirements=tuple(requirements),
        areas=tuple(areas),
        indicators=tuple(indicators),
    )


def _unique(values: list[str], what: str, read: _Reader) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise read.fail(f"{what}重复：{value}")
        seen.add(value)


def _parse_indicator(raw: Mapping[str, Any], read: _Reader, areas: set[str]) -> Indicator:
    indicator_id = read.text(raw, "id", "指标")
    name = read.text(raw, "name", f"指标 {indicator_id}")
    where = f"指标 {indicator_id}“{name}”"
    area = read.text(raw, "area", where)
    if area not in areas:
        raise read.fail(f"{where}所属一级指标“{area}”不在 areas 中")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise read.fail(f"{where}的 kind 应为 forward、inverse 或 qualitative，实际为 {kind!r}")
    points = read.number(raw, "points", where)
    if points is None or points <= 0:
        raise read.fail(f"{where}的分值 points 应为正数")
    leading = read.number(raw, "leading", where)
    baseline = read.number(raw, "baseline", where)
    if kind == "qualitative" and (leading is not None or baseline is not None):
        raise read.fail(f"{where}是定性指标，不应有引领值或基准值")
    check_order(cast(Kind, kind), leading, baseline, where, read.fail)
    requirement = raw.get("requirement")
    if requirement is not None and requirement not in REQUIREMENTS:
        raise read.fail(f"{where}的 requirement 应为 mandatory、optional 或留空，实际为 {requirement!r}")
    points_confidence = (
        read.confidence(raw, where, "points_confidence") if "points_confidence" in raw else None
    )
    return Indicator(
        id=indicator_id,
        name=name,
        area=area,
        kind=cast(Kind, kind),
        points=points,
        confidence=read.confidence(raw, where),
        unit=read.text(raw, "unit", where, required=False),
        leading=leading,
        baseline=baseline,
        requirement=cast(Requirement | None, requirement),
        points_confidence=points_confidence,
        note=read.text(raw, "note", where, required=False),
    )


def check_order(
    kind: Kind,
    leading: Decimal | None,
    baseline: Decimal | None,
    where: str,
    fail: Callable[[str], Exception] = IndicatorSystemError,
) -> None:
    """引领值 is the better end: not below 基准值 for a forward indicator, not above it for an
    inverse one (equal is allowed: then reaching it earns full marks, missing it zero)."""
    if leading is None or baseline is None:
        return
    if kind == "forward" and leading < baseline:
        raise fail(f"{where}是正向指标，引领值 {fmt(leading)} 不应低于基准值 {fmt(baseline)}")
    if kind == "inverse" and leading > baseline:
        raise fail(f"{where}是逆向指标，引领值 {fmt(leading)} 不应高于基准值 {fmt(baseline)}")


def load_system(path: Path) -> IndicatorSystem:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IndicatorSystemError(f"无法读取评价体系文件 {path}：{exc.strerror or exc}") from exc
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise IndicatorSystemError(f"评价体系文件 {path.name} 不是有效的 YAML：{exc}") from exc
    return parse_system(data, f"评价体系文件 {path.name}")


@lru_cache(maxsize=4)
def systems(directory: Path = INDICATORS_DIR) -> dict[str, IndicatorSystem]:
    """Every system shipped in ``directory``, by id (cached: the files are read once per process)."""
    found: dict[str, IndicatorSystem] = {}
    for path in sorted(directory.glob("*.yaml")):
        system = load_system(path)
        if system.id in found:
            raise IndicatorSystemError(f"评价体系编号 {system.id} 在多个文件中出现")
        found[system.id] = system
    if not found:
        raise IndicatorSystemError(f"目录 {directory} 中没有评价体系文件")
    return found


def known_systems(directory: Path = INDICATORS_DIR) -> str:
    """The shipped systems, for error messages: "GB/T 36132-2018（gbt36132-2018）、…"."""
    return "、".join(f"{s.standard}（{s.id}）" for s in systems(directory).values())


def find_system(name: str, directory: Path = INDICATORS_DIR) -> IndicatorSystem:
    """The system named by its id or standard number ("GB/T 36132-2025", "gbt36132-2025",
    "GB/T36132—2025《绿色工厂评价通则》"); raise IndicatorSystemError listing the known ones."""
    wanted = normalise_name(name.replace("—", "-").replace("–", "-"))
    shipped = systems(directory)
    if wanted:
        exact = [s for s in shipped.values() if wanted in (normalise_name(s.id), normalise_name(s.standard))]
        if len(exact) == 1:
            return exact[0]
        # A longer title that names one standard number ("GB/T 36132-2025《绿色工厂评价通则》").
        named = [s for s in shipped.values() if normalise_name(s.standard) in wanted]
        if len(named) == 1:
            return named[0]
    raise IndicatorSystemError(f"未知的评价体系“{name}”，可选：{known_systems(directory)}")
