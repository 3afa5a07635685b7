"""The ``greenlist score FILE.json`` contract, and the JSON shape an application's values are stored in.

Input (docs/scoring.md)::

    {"system": "GB/T 36132-2025", "basic_requirements_met": true,
     "indicators": [{"name", "value", "leading", "baseline", "points", "direction"}]}

``system`` is a standard number or a system id; ``name`` an indicator's name or id; ``value`` a
number (qualitative: the reviewer's fraction 0–1, or true/false), or null for not entered;
``leading``/``baseline``/``points`` numbers or null/absent (then the system's own values are used);
``direction`` one of forward/inverse/qualitative, or absent. Optional: ``weights`` {area: weight}
summing to 100. Unknown keys are refused, so a misspelt "baseline" cannot silently score against
the system's value.

Output::

    {"total": 87.5, "areas": {"能源低碳化": 30, …}, "indicators": [{"name", "score"}], "green": bool | null}

An indicator the system does not know is scored, not refused, when it carries direction, points
and (quantitative) leading and baseline: it goes to the area "其他" at its own points, added to the
total on top of the weighted areas. Without them it is refused with a message naming it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from greenlist.scoring.score import IndicatorInput, ScoreInputError, ScoreResult, score
from greenlist.scoring.systems import (
    INDICATORS_DIR,
    KINDS,
    IndicatorSystem,
    Kind,
    find_system,
)

TOP_FIELDS = ("system", "basic_requirements_met", "indicators", "weights", "note")
INDICATOR_FIELDS = ("name", "id", "value", "leading", "baseline", "points", "direction", "unit", "note")


@dataclass(frozen=True)
class ScoreRequest:
    """One application's entered values, parsed and checked, ready for :func:`run`."""

    system: IndicatorSystem
    inputs: dict[str, IndicatorInput]
    basic: bool | dict[str, bool | None]
    weights: dict[str, Decimal] | None = None


def _describe(value: Any) -> str:
    if value is None:
        return "空值 null"
    if isinstance(value, bool):
        return f"布尔值 {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"文字 {json.dumps(value, ensure_ascii=False)}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return repr(value)


def _number(value: Any, where: str, *, text_allowed: bool = False) -> Decimal:
    """A finite number; JSON's floats go through str() so 0.1 stays 0.1. Stored values (Decimal
    serialised by Django's JSON encoder) may be numeric strings; the command's input may not."""
    ok = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if text_allowed and isinstance(value, str) and value.strip():
        ok = True
    if not ok:
        raise ScoreInputError(f"{where}应为数字，实际为{_describe(value)}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ScoreInputError(f"{where}应为数字，实际为{_describe(value)}") from exc
    if not number.is_finite():
        raise ScoreInputError(f"{where}应为有限的数字，实际为 {value}")
    return number


def _optional_number(
    item: Mapping[str, Any], key: str, where: str, *, text_allowed: bool = False
) -> Decimal | None:
    value = item.get(key)
    return None if value is None else _number(value, f"{where}的字段 {key} ", text_allowed=text_allowed)


def _indicator(
    item: Any, where: str, system: IndicatorSystem, *, text_allowed: bool = False
) -> tuple[str, IndicatorInput]:
    if not isinstance(item, Mapping):
        raise ScoreInputError(f"{where}应为对象（含 name、value 等字段），实际为{_describe(item)}")
    name = item.get("name", item.get("id"))
    if not isinstance(name, str) or not name.strip():
        raise ScoreInputError(f"{where}缺少字段 name（指标名称），或其不是文字")
    name = name.strip()
    where = f"{where}（“{name}”）"
    unknown = [key for key in item if key not in INDICATOR_FIELDS]
    if unknown:
        raise ScoreInputError(
            f"{where}有未知字段 {'、'.join(map(str, unknown))}（可用字段：{'、'.join(INDICATOR_FIELDS)}）"
        )
    if "value" not in item:
        raise ScoreInputError(f"{where}缺少字段 value（实际值；未填报请写 null）")
    direction = item.get("direction")
    if direction is not None and direction not in KINDS:
        raise ScoreInputError(
            f"{where}的字段 direction 应为 forward（正向）、inverse（逆向）或 qualitative（定性），"
            f"实际为{_describe(direction)}"
        )
    known = system.indicator(name)
    kind: Kind | None = direction if direction is not None else (known.kind if known else None)
    raw_value = item["value"]
    if kind == "qualitative" and isinstance(raw_value, bool):
        value: Decimal | None = Decimal(1) if raw_value else Decimal(0)  # met / not met
    else:
        value = _optional_number(item, "value", where, text_allowed=text_allowed)
    if kind == "qualitative" and value is not None and not Decimal(0) <= value <= Decimal(1):
        raise ScoreInputError(
            f"{where}是定性指标，value 应为评审给分比例 0–1（或 true/false），实际为 {value}"
        )
    unit = item.get("unit", "")
    return name, IndicatorInput(
        value=value,
        leading=_optional_number(item, "leading", where, text_allowed=text_allowed),
        baseline=_optional_number(item, "baseline", where, text_allowed=text_allowed),
        points=_optional_number(item, "points", where, text_allowed=text_allowed),
        kind=direction,
        name=name,
        unit=unit if isinstance(unit, str) else "",
    )


def _weights(raw: Any, *, text_allowed: bool = False) -> dict[str, Decimal] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ScoreInputError(f"weights 应为对象（一级指标名称 → 权重），实际为{_describe(raw)}")
    return {str(k): _number(v, f"一级指标“{k}”的权重", text_allowed=text_allowed) for k, v in raw.items()}


def _system(raw: Any, directory: Path) -> IndicatorSystem:
    if not isinstance(raw, str) or not raw.strip():
        raise ScoreInputError(f'字段 system 应为评价体系名称（如 "GB/T 36132-2025"），实际为{_describe(raw)}')
    return find_system(raw, directory)


def parse_score_input(data: Any, directory: Path = INDICATORS_DIR) -> ScoreRequest:
    """Check the command's input document (already decoded from JSON)."""
    if not isinstance(data, Mapping):
        raise ScoreInputError(
            f"输入应为 JSON 对象（含 system、basic_requirements_met、indicators），实际为{_describe(data)}"
        )
    unknown = [key for key in data if key not in TOP_FIELDS]
    if unknown:
        raise ScoreInputError(
            f"输入有未知字段 {'、'.join(map(str, unknown))}（可用字段：{'、'.join(TOP_FIELDS)}）"
        )
    for key in ("system", "basic_requirements_met", "indicators"):
        if key not in data:
            raise ScoreInputError(f"输入缺少字段 {key}")
    system = _system(data["system"], directory)
    basic = data["basic_requirements_met"]
    if not isinstance(basic, bool):
        raise ScoreInputError(f"字段 basic_requirements_met 应为 true 或 false，实际为{_describe(basic)}")
    items = data["indicators"]
    if not isinstance(items, list):
        raise ScoreInputError(f"字段 indicators 应为列表，实际为{_describe(items)}")
    inputs: dict[str, IndicatorInput] = {}
    for index, item in enumerate(items, start=1):
        name, entered = _indicator(item, f"indicators 第{index}项", system)
        if name in inputs:
            raise ScoreInputError(f"indicators 第{index}项（“{name}”）重复填报")
        inputs[name] = entered
    return ScoreRequest(system, inputs, basic, _weights(data.get("weights")))


def parse_score_json(text: str | bytes, directory: Path = INDICATORS_DIR) -> ScoreRequest:
    """Decode and check the command's input file."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScoreInputError("输入文件不是 UTF-8 编码的文本") from exc
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ScoreInputError(f"输入不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from exc
    return parse_score_input(data, directory)


def _refuse_constant(name: str) -> Any:
    raise ScoreInputError(f"输入含非有限数值 {name}，应为普通数字")


def run(request: ScoreRequest) -> ScoreResult:
    """Score a request; an entered quantitative value that cannot be scored for want of 引领值 or
    基准值 is an error here (the caller supplied the file and can supply them), not a silent 0."""
    result = score(request.system, request.inputs, request.basic, weights=request.weights)
    entered = set()
    for key, item in request.inputs.items():
        if item.value is not None:
            known = request.system.indicator(key)
            entered.add(known.id if known else key)
    for indicator in result.indicators:
        if indicator.status == "incomplete" and indicator.id in entered:
            needed = [("leading（引领值）", indicator.leading)]
            if request.system.method == "linear":
                needed.append(("baseline（基准值）", indicator.baseline))
            absent = "和".join(label for label, number in needed if number is None)
            raise ScoreInputError(f"指标“{indicator.name}”缺少 {absent}：体系未规定该值，须在输入中给出")
    return result


def _json_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _optional_json(number: Decimal | None) -> int | float | None:
    return None if number is None else _json_number(number)


def contract_output(result: ScoreResult, *, detail: bool = False) -> dict[str, Any]:
    """The contract's output dict; ``detail`` adds the reviewer's breakdown (explanations, sources,
    confidence marks) without changing the four contract keys."""
    output: dict[str, Any] = {
        "total": _json_number(result.total),
        "areas": {area.name: _json_number(area.subtotal) for area in result.areas},
        "indicators": [{"name": i.name, "score": _json_number(i.score)} for i in result.indicators],
        "green": result.green,
    }
    if not detail:
        return output
    system = result.system
    output["indicators"] = [
        {
            "name": i.name,
            "score": _json_number(i.score),
            "id": i.id,
            "area": i.area,
            "direction": i.kind,
            "value": _optional_json(i.value),
            "leading": _optional_json(i.leading),
            "baseline": _optional_json(i.baseline),
            "points": _json_number(i.points),
            "status": i.status,
            "confidence": i.confidence,
            "explanation": i.explanation,
        }
        for i in result.indicators
    ]
    output.update(
        {
            "system": {
                "id": system.id,
                "standard": system.standard,
                "title": system.title,
                "edition": system.edition,
                "method": system.method,
            },
            "weights": {area.name: _json_number(area.weight) for area in result.areas},
            "pass_mark": {
                "value": _json_number(system.pass_mark.value) if system.pass_mark else None,
                "confidence": system.pass_mark.confidence if system.pass_mark else None,
                "note": system.pass_mark.note if system.pass_mark else system.pass_mark_note,
            },
            "basic_requirements_met": result.basic_requirements_met,
            "failed_requirements": list(result.failed_requirements),
            "mandatory_unmet": list(result.mandatory_unmet),
            "verdict": result.verdict,
        }
    )
    return output


# --- The stored shape (the database keeps an application's entered values as JSON) -------------
#
#     {"system": "gbt36132-2025",
#      "basic_requirements": {"BR1": true, "BR2": true, "BR3": null},
#      "weights": null,
#      "indicators": {"EN1": {"value": "0.85", "leading": "0.80", "baseline": "1.10"},
#                     "CL1": {"value": "0.5"}},
#      "extra": [{"name": "…", "direction": "inverse", "points": "4", "value": "…", "leading": "…",
#                 "baseline": "…"}]}
#
# Keyed by indicator id (names may be corrected in a later file version; ids are not). Numbers may be
# JSON numbers or numeric strings (DjangoJSONEncoder writes Decimal as a string). A basic
# requirement null or absent is "not confirmed", which fails the gate.


def blank_entry(system: IndicatorSystem) -> dict[str, Any]:
    """An empty stored entry for ``system``, with the system's fixed 引领值/基准值 filled in."""

    def text(number: Decimal | None) -> str | None:
        return None if number is None else str(number)

    return {
        "system": system.id,
        "basic_requirements": {r.id: None for r in system.basic_requirements},
        "weights": None,
        "indicators": {
            i.id: {"value": None, "leading": text(i.leading), "baseline": text(i.baseline)}
            for i in system.indicators
        },
        "extra": [],
    }


def parse_stored(data: Any, directory: Path = INDICATORS_DIR) -> ScoreRequest:
    """Check a stored entry (see the shape above)."""
    if not isinstance(data, Mapping):
        raise ScoreInputError(f"指标数据应为对象，实际为{_describe(data)}")
    system = _system(data.get("system"), directory)
    raw_basic = data.get("basic_requirements", {})
    basic: bool | dict[str, bool | None]
    if isinstance(raw_basic, bool):
        basic = raw_basic
    elif isinstance(raw_basic, Mapping):
        basic = {}
        for key, met in raw_basic.items():
            if met is not None and not isinstance(met, bool):
                raise ScoreInputError(f"基本要求 {key} 应为 true、false 或 null，实际为{_describe(met)}")
            basic[str(key)] = met
    else:
        raise ScoreInputError(
            f"basic_requirements 应为对象（编号 → true/false/null），实际为{_describe(raw_basic)}"
        )
    raw_indicators = data.get("indicators", {})
    if not isinstance(raw_indicators, Mapping):
        raise ScoreInputError(f"indicators 应为对象（指标编号 → 填报值），实际为{_describe(raw_indicators)}")
    inputs: dict[str, IndicatorInput] = {}
    for key, item in raw_indicators.items():
        if system.indicator(str(key)) is None:
            raise ScoreInputError(f"体系{system.standard}没有指标编号 {key}")
        # A stored item without "value" has not been entered yet (the form saves what it has).
        named = {"name": str(key), "value": None, **item} if isinstance(item, Mapping) else item
        _, entered = _indicator(named, f"指标 {key}", system, text_allowed=True)
        inputs[str(key)] = entered
    extra = data.get("extra") or []
    if not isinstance(extra, list):
        raise ScoreInputError(f"extra 应为列表，实际为{_describe(extra)}")
    for index, item in enumerate(extra, start=1):
        name, entered = _indicator(item, f"体系外指标第{index}项", system, text_allowed=True)
        inputs[name] = entered
    return ScoreRequest(system, inputs, basic, _weights(data.get("weights"), text_allowed=True))


def score_stored(data: Any, directory: Path = INDICATORS_DIR) -> ScoreResult:
    """Score a stored entry. Unlike the command, a value lacking its 引领值/基准值 scores 0 and is
    listed in ``result.incomplete`` (an application being filled in is scored as it stands)."""
    request = parse_stored(data, directory)
    return score(request.system, request.inputs, request.basic, weights=request.weights)
