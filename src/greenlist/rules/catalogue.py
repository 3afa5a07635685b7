"""The rule catalogue (docs/rules.md): rule id → function, effect(s), short title, batch parameters.

One place to find a rule by its id: its function here, its clause and the notice's words in the
batch file's ``rules`` (``batch.clause(rule_id)``, ``batch.rules[rule_id].text``), its tests in
``tests/rules/`` by module (E → test_exclusions, F → test_factory, P → test_park,
S → test_supply_chain, V → test_evaluators, Q/C/D → test_unit, R → test_report, L → test_listing,
A → test_relative_bar). V1 and V2 judge an evaluator; :func:`greenlist.rules.evaluators.evaluator_findings`
carries them to its applications.

A batch switches rules on by listing them under ``rules`` (and its shape switches some off: see
``Batch.on``); L1 and A1 are the campaign kinds' rules (2025 national round, provincial rounds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from greenlist.rules import (
    cross_checks,
    evaluators,
    exclusions,
    factory,
    filing,
    park,
    relative_bar,
    report,
    supply_chain,
    unit,
)
from greenlist.rules import listing as prior_listing
from greenlist.rules.batch import Batch
from greenlist.rules.vocabulary import Effect

Scope = Literal["application", "evaluator", "unit", "report", "filing"]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str  # short Chinese title for lists and badges
    effects: tuple[Effect, ...]
    scope: Scope  # what the function judges
    function: Callable[..., Any]
    parameters: tuple[str, ...]  # batch parameters it reads (names in the batch file)


_E, _W, _B, _P = Effect.EXCLUDE, Effect.WARN, Effect.BLOCK, Effect.PRIORITY
_WINDOW = ("reference_date", "lookback_years")

RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "E1",
        "未正常经营生产",
        (_E, _W),
        "application",
        exclusions.e1_not_operating_normally,
        (*_WINDOW, "halt_months"),
    ),
    RuleSpec(
        "E2", "发生事故或违法违规", (_E, _W), "application", exclusions.e2_accident_or_violation, _WINDOW
    ),
    RuleSpec(
        "E3", "被动态调整出绿色制造名单", (_E, _W), "application", exclusions.e3_removed_from_list, _WINDOW
    ),
    RuleSpec("E4", "督查发现严重问题", (_E, _W), "application", exclusions.e4_inspection_problem, _WINDOW),
    RuleSpec(
        "E5",
        "节能监察整改未完成",
        (_E, _W),
        "application",
        exclusions.e5_rectification_incomplete,
        ("reference_date",),
    ),
    RuleSpec("E6", "失信被执行人", (_E, _W), "application", exclusions.e6_dishonest_debtor, _WINDOW),
    RuleSpec(
        "F1", "须为本辖区有效省级绿色工厂", (_E,), "application", factory.f1_provincial_green_factory, ()
    ),
    RuleSpec(
        "F2",
        "按行业标准评价",
        (_W,),
        "application",
        factory.f2_evaluation_standard,
        ("default_factory_standard", "industry_factory_standards"),
    ),
    RuleSpec("F3", "能效达标杆或先进值优先", (_P,), "application", factory.f3_energy_priority, ()),
    RuleSpec(
        "P1",
        "园区申报条件",
        (_E,),
        "application",
        park.p1_park_conditions,
        ("park_min_industrial_share", "park_levels"),
    ),
    RuleSpec("P2", "园区优先推荐", (_P,), "application", park.p2_park_priority, ()),
    RuleSpec("S1", "原则上为省级及以上绿色工厂", (_W,), "application", supply_chain.s1_green_factory, ()),
    RuleSpec(
        "S2",
        "供应链管理企业优先推荐",
        (_P,),
        "application",
        supply_chain.s2_supply_chain_priority,
        ("supply_chain_priority_industries", "supply_chain_leading_suppliers"),
    ),
    RuleSpec(
        "V1",
        "近三年开展免费节能诊断",
        (_E,),
        "evaluator",
        evaluators.v1_diagnosis,
        ("reference_date", "diagnosis_years"),
    ),
    RuleSpec(
        "V2",
        "评价机构黑名单",
        (_E,),
        "evaluator",
        evaluators.v2_blacklist,
        ("reference_date", "blacklist_years"),
    ),
    RuleSpec("V3", "评价项目数量上限", (_E,), "application", evaluators.v3_allocate_cap, ("evaluator_cap",)),
    RuleSpec("V4", "无结果承诺声明", (_E,), "application", evaluators.v4_no_result_promise, ()),
    RuleSpec("Q1", "推荐数量配额", (_B,), "unit", unit.q1_quota, ("city_quota_ratio",)),
    RuleSpec("C1", "征求部门意见", (_B,), "unit", unit.c1_consultation, ("consultation_departments",)),
    RuleSpec("D1", "报送截止时间", (_B,), "unit", unit.d1_deadline, ("deadline",)),
    RuleSpec(
        "R1",
        "报送典型经验报告",
        (_B,),
        "application",
        report.r1_report_provided,
        ("report_required_categories",),
    ),
    RuleSpec("R2", "典型经验报告编制要求", (_B, _W), "report", report.r2_report_limits, ("report_limits",)),
    RuleSpec(
        "L1",
        "须已列入下一级同类别有效名单",
        (_E,),
        "application",
        prior_listing.l1_prior_listing,
        ("listing_required", "listing_target"),
    ),
    RuleSpec(
        "A1",
        "原则上不低于本地区已有单位平均水平",
        (_W, _B),
        "application",
        relative_bar.a1_relative_bar,
        ("relative_bar",),
    ),
)

CATALOGUE: dict[str, RuleSpec] = {spec.id: spec for spec in RULES}

# The yearly dynamic management's flags (年度动态管理, not a campaign's screening): they judge one
# listed unit's filing, read the cycle and form files (``data/cycles/``), never a batch file, and
# cite their clause from ``filing.DM_CLAUSES``. Kept apart from RULES so screening verdicts and the
# batch's clause table are unaffected.
DYNAMIC_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("DM1", filing.DM_TITLES["DM1"], (_W,), "filing", filing.dm1_not_filed, ("deadlines",)),
    RuleSpec(
        "DM2",
        filing.DM_TITLES["DM2"],
        (_W,),
        "filing",
        filing.dm2_negative_records,
        ("negative_record_period",),
    ),
    RuleSpec("DM3", filing.DM_TITLES["DM3"], (_W,), "filing", filing.dm3_indicators, ("fields",)),
    RuleSpec("DM4", filing.DM_TITLES["DM4"], (_W,), "filing", filing.dm4_changes, ("fields",)),
)

# The cross-checks of a self-evaluation against what greenlist holds (XC1 energy-level table,
# XC2 last year's dynamic filing, XC3 the register). Warnings on the indicator page for the city
# and the province, never part of a screening verdict; clauses from ``cross_checks.CLAUSES``.
CROSS_CHECK_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("XC1", cross_checks.TITLES["XC1"], (_W,), "application", factory.energy_level, ()),
    RuleSpec("XC2", cross_checks.TITLES["XC2"], (_W,), "application", cross_checks.xc2_filing, ()),
    RuleSpec("XC3", cross_checks.TITLES["XC3"], (_W,), "application", cross_checks.xc3_register, ()),
)


def rule(rule_id: str) -> RuleSpec:
    """The catalogue entry of ``rule_id`` (e.g. "E6"); KeyError names the unknown id."""
    try:
        return CATALOGUE[rule_id]
    except KeyError:
        raise KeyError(f"规则目录中没有规则 {rule_id}") from None


def listing(batch: Batch) -> list[dict[str, Any]]:
    """The catalogue as the UI lists it, with the batch's clause and the notice's own words."""
    return [
        {
            "id": spec.id,
            "title": spec.title,
            "clause": batch.clause(spec.id),
            "text": batch.rules[spec.id].text,
            "effects": [effect.label for effect in spec.effects],
            "scope": spec.scope,
            "function": f"{spec.function.__module__}.{spec.function.__name__}",
            "parameters": list(spec.parameters),
        }
        for spec in RULES
        if batch.on(spec.id)
    ]
