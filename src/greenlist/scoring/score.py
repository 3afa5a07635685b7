"""Scoring an application against an indicator system, with a breakdown the reviewer can read.

GB/T 36132-2025 §5 (docs/sources.md §1): an indicator at or better
than its 引领值 earns full marks, one that does not reach its 基准值 earns zero, one in between earns a
linear share. With L = 引领值, B = 基准值, W = points and x = the actual value:

- forward (higher is better): W if x ≥ L; 0 if x ≤ B; else W·(x − B)/(L − B);
- inverse (lower is better):  W if x ≤ L; 0 if x ≥ B; else W·(B − x)/(B − L);
- L = B: W if x reaches L, else 0 (a step; the formula would divide by zero);
- qualitative: the reviewer's fraction f ∈ [0, 1] of W (the standard gives no formula).

The park system uses the green-index ratio instead (method "ratio"): W·min(1, x/L) forward,
W·min(1, L/x) inverse. An area's subtotal is its share of points earned times its weight; the total
is the sum of the subtotals. ``green`` needs the basic requirements met (a veto whatever the score),
the total at or above the pass mark and, where the system says so, every mandatory item met.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from greenlist.rules.vocabulary import Category
from greenlist.scoring.systems import (
    OTHER_AREA,
    Confidence,
    Indicator,
    IndicatorSystem,
    Kind,
    Method,
    Requirement,
    ScoringError,
    check_order,
    fmt,
)

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

Status = Literal["scored", "missing", "incomplete"]


class ScoreInputError(ScoringError):
    """Entered values that cannot be scored (a fraction above 1, a direction contradicting the
    system, an unknown indicator without its own description…)."""


@dataclass(frozen=True)
class IndicatorInput:
    """What an application entered for one indicator.

    ``value`` is the actual value of a quantitative indicator, or the reviewer's fraction 0–1 of a
    qualitative one; None means not entered. ``leading``/``baseline`` supply the industry values the
    system leaves open (and override the system's own, which the breakdown then says). ``points``
    and ``kind`` are needed only for an indicator the system does not know.
    """

    value: Decimal | None
    leading: Decimal | None = None
    baseline: Decimal | None = None
    points: Decimal | None = None
    kind: Kind | None = None
    name: str = ""
    unit: str = ""


@dataclass(frozen=True)
class IndicatorScore:
    id: str
    name: str
    area: str
    kind: Kind
    unit: str
    value: Decimal | None
    leading: Decimal | None
    baseline: Decimal | None
    points: Decimal
    score: Decimal
    status: Status  # scored; missing (nothing entered → 0); incomplete (no 引领值/基准值 → 0)
    explanation: str  # Chinese, e.g. "实际值 0.85 优于引领值 0.9（逆向，越低越好）→ 满分 8"
    confidence: Confidence
    requirement: Requirement | None = None


@dataclass(frozen=True)
class AreaScore:
    name: str
    weight: Decimal
    points: Decimal  # points of the area's indicators
    earned: Decimal  # points earned
    subtotal: Decimal  # earned / points × weight, on the 100-point total
    confidence: Confidence  # of the weight


@dataclass(frozen=True)
class ScoreResult:
    system: IndicatorSystem
    total: Decimal
    areas: tuple[AreaScore, ...]
    indicators: tuple[IndicatorScore, ...]
    basic_requirements_met: bool
    failed_requirements: tuple[str, ...]  # "BR1 …：不符合" / "：未确认"
    mandatory_unmet: tuple[str, ...]  # names of mandatory items not fully met (mandatory_gate)
    incomplete: tuple[str, ...]  # names of indicators scored 0 for want of 引领值/基准值
    # False: the basic requirements or a mandatory item failed, or the total is below a sourced
    # pass mark; True: at or above a sourced pass mark; None: the system names no pass mark, so the
    # score alone decides nothing (no 合格/不合格).
    green: bool | None
    verdict: str  # Chinese, why green or not

    @property
    def standard(self) -> str:
        """The standard the score was computed with (rule F2 records it)."""
        return self.system.standard

    def subtotals(self) -> dict[str, Decimal]:
        return {area.name: area.subtotal for area in self.areas}


def cents(number: Decimal) -> Decimal:
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _p(number: Decimal) -> str:
    """A number inside a formula: negatives in brackets, so "(−30)" reads as a value."""
    return f"({fmt(number)})" if number < 0 else fmt(number)


def linear_score(kind: Kind, value: Decimal, leading: Decimal, baseline: Decimal, points: Decimal) -> Decimal:
    """§5.2 linear proportion, unrounded: full at or beyond 引领值, zero at or short of 基准值."""
    score, _ = _linear(kind, value, leading, baseline, points)
    return score


def _linear(kind: Kind, x: Decimal, lead: Decimal, base: Decimal, w: Decimal) -> tuple[Decimal, str]:
    forward = kind == "forward"
    direction = "正向，越高越好" if forward else "逆向，越低越好"
    reaches = x >= lead if forward else x <= lead
    if reaches:
        word = "达到" if x == lead else "优于"
        step = "；引领值与基准值相同，达到即满分" if lead == base else ""
        return w, f"实际值 {fmt(x)} {word}引领值 {fmt(lead)}（{direction}{step}）→ 满分 {fmt(w)}"
    if lead == base:
        return (
            ZERO,
            f"实际值 {fmt(x)} 未达引领值 {fmt(lead)}（{direction}；引领值与基准值相同，未达即0分）→ 0分",
        )
    short = x <= base if forward else x >= base
    if short:
        word = "等于" if x == base else "未达"
        return ZERO, f"实际值 {fmt(x)} {word}基准值 {fmt(base)}（{direction}）→ 0分"
    if forward:
        score = w * (x - base) / (lead - base)
        formula = f"{fmt(w)}×({_p(x)}−{_p(base)})÷({_p(lead)}−{_p(base)})"
    else:
        score = w * (base - x) / (base - lead)
        formula = f"{fmt(w)}×({_p(base)}−{_p(x)})÷({_p(base)}−{_p(lead)})"
    return score, (
        f"实际值 {fmt(x)} 介于基准值 {fmt(base)} 与引领值 {fmt(lead)} 之间（{direction}），"
        f"线性计分 {formula} = {fmt(cents(score))}"
    )


def ratio_score(kind: Kind, value: Decimal, leading: Decimal, points: Decimal) -> Decimal:
    """Green-index ratio (park system), unrounded: points × min(1, x/L), or min(1, L/x) inverse."""
    score, _ = _ratio(kind, value, leading, points)
    return score


def _ratio(kind: Kind, x: Decimal, lead: Decimal, w: Decimal) -> tuple[Decimal, str]:
    if lead <= 0:
        raise ScoreInputError(f"比值法要求引领值为正数，实际为 {fmt(lead)}")
    if kind == "forward":
        if x >= lead:
            word = "达到" if x == lead else "优于"
            return w, f"实际值 {fmt(x)} {word}引领值 {fmt(lead)}（正向，比值封顶为1）→ 满分 {fmt(w)}"
        if x <= 0:
            return ZERO, f"实际值 {fmt(x)} 不大于0 → 0分"
        ratio = x / lead
        text = f"实际值 {fmt(x)} ÷ 引领值 {fmt(lead)} = {fmt(ratio.quantize(Decimal('0.0001')))}"
    else:
        if x <= lead:
            word = "达到" if x == lead else "优于"
            return w, f"实际值 {fmt(x)} {word}引领值 {fmt(lead)}（逆向，比值封顶为1）→ 满分 {fmt(w)}"
        ratio = lead / x
        text = f"引领值 {fmt(lead)} ÷ 实际值 {fmt(x)} = {fmt(ratio.quantize(Decimal('0.0001')))}"
    score = w * ratio
    return score, f"{text}，{fmt(w)}×比值 = {fmt(cents(score))}"


def qualitative_score(fraction: Decimal, points: Decimal) -> Decimal:
    """The reviewer's judgement: a fraction 0–1 of the points (1 = met, 0 = not met)."""
    if not ZERO <= fraction <= ONE:
        raise ScoreInputError(f"定性指标的评审给分比例应在0–1之间，实际为 {fmt(fraction)}")
    return points * fraction


def _qualitative(fraction: Decimal, w: Decimal) -> tuple[Decimal, str]:
    score = qualitative_score(fraction, w)
    if fraction == ONE:
        return score, f"评审认定符合 → 满分 {fmt(w)}"
    if fraction == ZERO:
        return score, "评审认定不符合 → 0分"
    return score, f"评审认定完成程度 {fmt(fraction)} → {fmt(w)}×{fmt(fraction)} = {fmt(cents(score))}"


def _effective(
    system_value: Decimal | None, entered: Decimal | None, label: str
) -> tuple[Decimal | None, str]:
    """The value used and, when the input overrides one the system fixes, a note saying so."""
    if entered is None:
        return system_value, ""
    if system_value is not None and entered != system_value:
        return entered, f"{label}取自输入（体系值 {fmt(system_value)}）"
    return entered, ""


def score_indicator(
    indicator: Indicator, entered: IndicatorInput | None, method: Method = "linear"
) -> IndicatorScore:
    """One indicator's score and its explanation. Nothing entered scores 0 ("未填报"); a quantitative
    value without the 引领值/基准值 it needs scores 0 and is marked incomplete."""
    where = f"指标“{indicator.name}”"
    if entered is not None and entered.kind is not None and entered.kind != indicator.kind:
        raise ScoreInputError(f"{where}的方向为 {entered.kind}，与体系规定的 {indicator.kind} 不一致")
    if entered is not None and entered.points is not None and entered.points <= 0:
        raise ScoreInputError(f"{where}的分值应为正数，实际为 {fmt(entered.points)}")
    points, points_note = _effective(indicator.points, entered.points if entered else None, "分值")
    assert points is not None  # an Indicator always has points
    leading, leading_note = _effective(indicator.leading, entered.leading if entered else None, "引领值")
    baseline, baseline_note = _effective(indicator.baseline, entered.baseline if entered else None, "基准值")
    if indicator.kind == "qualitative" and (leading is not None or baseline is not None):
        raise ScoreInputError(f"{where}是定性指标，不使用引领值或基准值")
    check_order(indicator.kind, leading, baseline, where, ScoreInputError)
    value = entered.value if entered else None

    status: Status = "scored"
    if value is None:
        score, text, status = ZERO, "未填报 → 0分", "missing"
    elif indicator.kind == "qualitative":
        score, text = _qualitative(value, points)
    else:
        needed = [("引领值", leading)] + ([("基准值", baseline)] if method == "linear" else [])
        absent = [label for label, number in needed if number is None]
        if absent:
            why = "待核实" if indicator.confidence == "C" else "行业值须由申报提供"
            score, status = ZERO, "incomplete"
            text = f"实际值 {fmt(value)}，缺少{'和'.join(absent)}（{why}），无法计分 → 暂计0分"
        elif method == "ratio":
            assert leading is not None
            score, text = _ratio(indicator.kind, value, leading, points)
        else:
            assert leading is not None and baseline is not None
            score, text = _linear(indicator.kind, value, leading, baseline, points)
    notes = "；".join(n for n in (points_note, leading_note, baseline_note) if n)
    return IndicatorScore(
        id=indicator.id,
        name=indicator.name,
        area=indicator.area,
        kind=indicator.kind,
        unit=indicator.unit or (entered.unit if entered else ""),
        value=value,
        leading=leading,
        baseline=baseline,
        points=points,
        score=cents(score),
        status=status,
        explanation=f"{text}（{notes}）" if notes else text,
        confidence=indicator.confidence,
        requirement=indicator.requirement,
    )


def _outside_indicator(key: str, entered: IndicatorInput, method: Method) -> Indicator:
    """An indicator the system does not know, scored in 其他 if the input describes it fully."""
    name = entered.name or key
    quantitative = entered.kind in ("forward", "inverse")
    needs_baseline = quantitative and method == "linear"
    if (
        entered.kind is None
        or entered.points is None
        or (quantitative and entered.leading is None)
        or (needs_baseline and entered.baseline is None)
    ):
        wanted = "direction、points" + (
            "，定量指标还须 leading" + ("、baseline" if method == "linear" else "")
        )
        raise ScoreInputError(
            f"评价体系中没有指标“{name}”；体系外指标须同时给出 {wanted}，将计入“{OTHER_AREA}”"
        )
    if entered.points <= 0:
        raise ScoreInputError(f"指标“{name}”的分值应为正数，实际为 {fmt(entered.points)}")
    return Indicator(
        id=name,
        name=name,
        area=OTHER_AREA,
        kind=entered.kind,
        points=entered.points,
        confidence="C",
        unit=entered.unit,
        note="体系外指标，分值、引领值与基准值由输入给出",
    )


def _basic(system: IndicatorSystem, basic: bool | Mapping[str, bool | None]) -> tuple[bool, tuple[str, ...]]:
    if isinstance(basic, bool):
        return basic, () if basic else ("基本要求不符合",)
    known = {r.id for r in system.basic_requirements}
    unknown = sorted(set(basic) - known)
    if unknown:
        raise ScoreInputError(
            f"体系{system.standard}没有基本要求 {'、'.join(unknown)}（可选：{'、'.join(sorted(known))}）"
        )
    failed = []
    for requirement in system.basic_requirements:
        met = basic.get(requirement.id)
        # Not confirmed is not met: the gate needs a positive answer for every item.
        if met is not True:
            failed.append(f"{requirement.id} {requirement.text}：{'不符合' if met is False else '未确认'}")
    return not failed, tuple(failed)


def score(
    system: IndicatorSystem,
    inputs: Mapping[str, IndicatorInput],
    basic: bool | Mapping[str, bool | None],
    *,
    weights: Mapping[str, Any] | None = None,
) -> ScoreResult:
    """Score ``inputs`` (keyed by indicator id or name) against ``system``.

    ``basic`` is True/False for the whole gate, or a mapping basic-requirement id → True/False/None
    (None or absent: not confirmed, which fails the gate). ``weights`` (area name → weight, summing
    to 100) replaces the system's default weights. Indicators of the system not in ``inputs`` score
    0 ("未填报"); keys the system does not know are scored in the area "其他" when they carry kind,
    points and 引领值/基准值, else rejected.
    """
    if weights is not None:
        system = system.reweighted(weights)
    matched: dict[str, IndicatorInput] = {}
    outside: list[Indicator] = []
    outside_inputs: dict[str, IndicatorInput] = {}
    for key, entered in inputs.items():
        indicator = system.indicator(key)
        if indicator is None:
            extra = _outside_indicator(key, entered, system.method)
            if extra.name in outside_inputs or system.indicator(extra.name) is not None:
                raise ScoreInputError(f"指标“{extra.name}”重复填报")
            outside.append(extra)
            outside_inputs[extra.name] = entered
            continue
        if indicator.id in matched:
            raise ScoreInputError(f"指标“{indicator.name}”（{indicator.id}）重复填报")
        matched[indicator.id] = entered

    scored = [score_indicator(i, matched.get(i.id), system.method) for i in system.indicators]
    scored += [score_indicator(i, outside_inputs[i.name], system.method) for i in outside]

    areas = []
    for area in system.areas:
        inside = [s for s in scored if s.area == area.name]
        points = sum((s.points for s in inside), ZERO)
        earned = sum((s.score for s in inside), ZERO)
        subtotal = cents(area.weight * earned / points) if points else ZERO
        areas.append(AreaScore(area.name, area.weight, points, earned, subtotal, area.confidence))
    if outside:
        # Outside the system there is no weight to scale to: the points count as they are.
        inside = [s for s in scored if s.area == OTHER_AREA]
        points = sum((s.points for s in inside), ZERO)
        earned = sum((s.score for s in inside), ZERO)
        areas.append(AreaScore(OTHER_AREA, points, points, earned, earned, "C"))
    total = sum((a.subtotal for a in areas), ZERO)

    basic_met, failed = _basic(system, basic)
    unmet = tuple(
        s.name
        for s in scored
        if system.mandatory_gate and s.requirement == "mandatory" and s.score < s.points
    )
    incomplete = tuple(s.name for s in scored if s.status == "incomplete")
    green: bool | None
    if not basic_met or unmet:
        green = False
    elif system.pass_mark is None:
        green = None
    else:
        green = total >= system.pass_mark.value
    return ScoreResult(
        system=system,
        total=total,
        areas=tuple(areas),
        indicators=tuple(scored),
        basic_requirements_met=basic_met,
        failed_requirements=failed,
        mandatory_unmet=unmet,
        incomplete=incomplete,
        green=green,
        verdict=_verdict(system, total, basic_met, failed, unmet),
    )


def _verdict(
    system: IndicatorSystem, total: Decimal, basic_met: bool, failed: tuple[str, ...], unmet: tuple[str, ...]
) -> str:
    what = Category(system.category).label
    mark = system.pass_mark
    if not basic_met:
        return (
            f"基本要求不符合（一票否决）：{'；'.join(failed)} → 不判定为{what}，总分 {fmt(total)} 不改变结论"
        )
    if unmet:
        return f"必选要求未全部符合：{'、'.join(unmet)} → 不判定为{what}（总分 {fmt(total)}）"
    if mark is None:
        return (
            f"基本要求符合，总分 {fmt(total)}；所依据的评价体系未规定合格分，得分只作比较，"
            f"不据此判定是否达到{what}要求"
        )
    pass_text = f"合格分 {fmt(mark.value)}（{mark.note or '有来源'}，置信度{mark.confidence}）"
    if total < mark.value:
        return f"基本要求符合，总分 {fmt(total)} 低于{pass_text} → 未达到{what}要求"
    return f"基本要求符合，总分 {fmt(total)} 不低于{pass_text} → 达到{what}要求"
