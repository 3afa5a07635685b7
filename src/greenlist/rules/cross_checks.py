"""Cross-checks of a self-evaluation against what greenlist already holds (工信厅节函〔2025〕390号:
county and city bureaus check 各项评价指标数据的真实性、准确性、先进性).

- XC1: the energy-level table (``campaign.evidence.cross_checks``);
- XC2: last year's dynamic-management filing of the same unit: a self-reported indicator far from
  the value the unit filed, beyond that form field's own flag threshold;
- XC3: the register: the listing the round requires is not active (revoked, or not there), or the
  applicant's name is not the name the register holds for its code.

Plain Python, no Django. Which indicator compares with which filing field, and under which units,
is data (``data/reference/cross-checks.yaml``, confidence C). Every finding warns: a contradiction
is for the city to check with the applicant, never a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from greenlist.rules.batch import DATA_DIR
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.facts import ListEntry
from greenlist.rules.filing import Form, FormField
from greenlist.rules.findings import Finding
from greenlist.rules.names import normalise_name
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus

CLAUSES = {
    "XC1": "工信厅节函〔2025〕390号（核查指标数据真实性、准确性、先进性）；能效参考表（能效标杆水平和基准水平）",
    "XC2": "工信厅节函〔2025〕390号（核查指标数据真实性、准确性）；上年度动态管理表（工信部节〔2024〕13号第十六条）",
    "XC3": "工信厅节函〔2025〕390号（申报单位须已列入省级名单）；绿色制造名录（工信部节〔2024〕13号）",
}
TITLES = {
    "XC1": "自评价与能效参考表不符",
    "XC2": "自评价与上年度动态管理表不符",
    "XC3": "自评价与名录记载不符",
}


@dataclass(frozen=True)
class FilingLink:
    field: str  # the dynamic form's field code
    units: tuple[str, ...]  # the self-evaluation units under which the two are comparable


@dataclass(frozen=True)
class CrossCheckMap:
    source: str
    confidence: str
    filing: Mapping[str, Mapping[str, FilingLink]]  # indicator system id → indicator id → link


def load_map(path: Path = DATA_DIR / "reference" / "cross-checks.yaml") -> CrossCheckMap:
    data = read_yaml(path) or {}
    filing = {
        str(system): {
            str(indicator): FilingLink(str(raw["field"]), tuple(str(u) for u in raw.get("units", ())))
            for indicator, raw in (links or {}).items()
        }
        for system, links in (data.get("filing") or {}).items()
    }
    return CrossCheckMap(str(data.get("source", "")), str(data.get("confidence", "C")), filing)


@dataclass(frozen=True)
class FiledTable:
    """The unit's latest handed-in dynamic-management table: its cycle, form and values."""

    cycle_year: int
    form: Form
    values: Mapping[str, str]


def _number(raw: Any) -> Decimal | None:
    if raw is None or isinstance(raw, bool):
        return None
    text = str(raw).replace(",", "").strip().removesuffix("%").strip()
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _field(form: Form, code: str) -> FormField | None:
    try:
        return form.field(code)
    except KeyError:
        return None


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def xc2_filing(
    system: str, indicators: Mapping[str, Any], filed: FiledTable | None, links: CrossCheckMap
) -> list[Finding]:
    """XC2: each mapped indicator whose self-reported value differs from the filed value by more
    than the form field's threshold (relative: share of the filed value; absolute: difference),
    in either direction. Not comparable (no flag): another unit of measure, a missing or
    non-numeric value, a field without a threshold, a filed zero against a relative threshold."""
    if filed is None:
        return []
    found = []
    for indicator, link in (links.filing.get(system) or {}).items():
        entry = indicators.get(indicator) or {}
        if not isinstance(entry, Mapping):
            continue
        field_ = _field(filed.form, link.field)
        if field_ is None or field_.threshold is None:
            continue
        unit = str(entry.get("unit") or "").strip()
        if unit not in link.units:
            continue
        own, before = _number(entry.get("value")), _number(filed.values.get(link.field))
        if own is None or before is None:
            continue
        threshold = field_.threshold
        if threshold.kind == "relative":
            if before == 0:
                continue
            gap = abs(own - before) / abs(before)
            shown = f"{gap * 100:.1f}%"
            limit = f"{threshold.value * 100:.1f}%"
        else:
            gap = abs(own - before)
            shown, limit = _plain(gap), _plain(threshold.value)
        if gap <= threshold.value:
            continue
        side = "高于" if own > before else "低于"
        found.append(
            Finding(
                rule="XC2",
                clause=CLAUSES["XC2"],
                message=(
                    f"自评价{indicator}填报{_plain(own)}{field_.unit}，{side}{filed.cycle_year}年度动态管理表"
                    f"“{field_.name}”填报的{_plain(before)}{field_.unit}（相差{shown}，超过该项提示阈值"
                    f"{limit}），请核实数据来源"
                ),
                effect=Effect.WARN,
                evidence={
                    "indicator": indicator,
                    "field": field_.code,
                    "self_value": _plain(own),
                    "filed_value": _plain(before),
                    "cycle_year": filed.cycle_year,
                },
            )
        )
    return found


def _finding(message: str, **evidence: Any) -> Finding:
    return Finding(rule="XC3", clause=CLAUSES["XC3"], message=message, effect=Effect.WARN, evidence=evidence)


def xc3_register(
    name: str,
    category: Category,
    required_level: str | None,
    entries: Sequence[ListEntry],
    former_names: Iterable[str] = (),
) -> list[Finding]:
    """XC3: the application against the register's entries of its code.

    - the round requires a listing (``required_level``) that is revoked, or absent;
    - without such a requirement, an entry of the category that the register has revoked;
    - the applicant's name is neither the active entry's name nor one of its former names."""
    own = [e for e in entries if e.category is category]
    active = [e for e in own if e.status is ListStatus.ACTIVE]
    found = []
    if required_level is not None:
        level = ListLevel(required_level)
        at_level = [e for e in own if e.level is level]
        if not any(e.status is ListStatus.ACTIVE for e in at_level):
            if at_level:
                gone = at_level[0]
                when = gone.revoked_on.isoformat() if gone.revoked_on else "日期未记录"
                found.append(
                    _finding(
                        f"本批次申报须为有效的{level.label}{category.label}，名录记载该单位{gone.year}年列入的"
                        f"{level.label}{category.label}已撤销（{when}）",
                        level=level.value,
                        year=gone.year,
                        revoked_on=gone.revoked_on.isoformat() if gone.revoked_on else None,
                    )
                )
            else:
                found.append(
                    _finding(
                        f"本批次申报须为有效的{level.label}{category.label}，名录中没有该单位（统一社会信用代码）"
                        f"的{level.label}{category.label}记录",
                        level=level.value,
                    )
                )
    elif not active:
        for gone in own:
            when = gone.revoked_on.isoformat() if gone.revoked_on else "日期未记录"
            found.append(
                _finding(
                    f"名录记载该单位{gone.year}年列入的{gone.level.label}{category.label}已撤销（{when}）",
                    level=gone.level.value,
                    year=gone.year,
                    revoked_on=gone.revoked_on.isoformat() if gone.revoked_on else None,
                )
            )
    known = {normalise_name(n) for n in (*former_names, *(e.name for e in active))}
    if active and normalise_name(name) not in known:
        found.append(
            _finding(
                f"申报名称“{name}”与名录记载的名称“{active[0].name}”不一致，且不是名录记载的曾用名；"
                "更名须经名录更名程序",
                register_name=active[0].name,
            )
        )
    return found
