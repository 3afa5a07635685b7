"""Self-evaluation evidence per indicator (2025 on): the applicant attaches evidence files to each
indicator line; the county or city records its check of each indicator — 真实 / 准确 / 先进
(工信厅节函〔2025〕390号: "各项评价指标数据和佐证材料的真实性、准确性、先进性") — or queries it back.
Cross-checks flag self-reported values that contradict the energy-level table greenlist holds.
Every change is audited in its transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.attachments import attach
from greenlist.campaign.models import Application, Attachment, IndicatorCheck
from greenlist.campaign.workflow import State
from greenlist.rules.cross_checks import CLAUSES as CROSS_CLAUSES
from greenlist.rules.cross_checks import FiledTable, load_map, xc2_filing, xc3_register
from greenlist.rules.factory import energy_level, product_key
from greenlist.rules.facts import EnergyLevel
from greenlist.rules.vocabulary import Category, Method

# The city checks what was submitted to it, before it decides.
CHECKABLE_STATES = (State.SUBMITTED, State.CITY_REVIEW)
# The energy-consumption indicator of the shipped systems (GB/T 36132-2025 EN1, 2018 能源投入).
ENERGY_INDICATORS = ("EN1",)


def attach_evidence(
    application: Application, *, indicator: str, name: str, data: bytes | IO[bytes], actor: User
) -> Attachment:
    """One evidence file for one indicator (same checks and audit as every upload)."""
    indicator = indicator.strip()
    if not indicator:
        raise ActionRefused("请选择佐证材料所属的指标。")
    return attach(
        application, kind=Attachment.Kind.EVIDENCE, name=name, data=data, actor=actor, indicator=indicator
    )


def evidence_by_indicator(application: Application) -> dict[str, list[Attachment]]:
    found: dict[str, list[Attachment]] = defaultdict(list)
    for item in Attachment.unscoped.filter(application=application, kind=Attachment.Kind.EVIDENCE):
        found[item.indicator].append(item)
    return dict(found)


def _may_check(application: Application, actor: User) -> None:
    city = actor.role == Role.CITY and actor.unit_id is not None and actor.unit_id == application.unit_id
    if not (city or actor.role in (Role.PROVINCE, Role.ADMIN)):
        raise ActionRefused("只有该申报的推荐单位（或省厅）可以核查指标数据。")
    if application.state not in CHECKABLE_STATES:
        raise ActionRefused(
            f"申报当前状态为“{State(application.state).label}”，只有已提交或审核中的申报可以核查指标。"
        )


def record_check(
    application: Application,
    *,
    indicator: str,
    actor: User,
    authentic: bool | None = None,
    accurate: bool | None = None,
    advanced: bool | None = None,
    query: str = "",
    note: str = "",
) -> IndicatorCheck:
    """Record the check of one indicator, or (with ``query``) a query back to the applicant.
    Side effects: the check row (created or replaced) and one audit event."""
    indicator = indicator.strip()
    query, note = query.strip(), note.strip()
    if not indicator:
        raise ActionRefused("请选择要核查的指标。")
    if not query and None in (authentic, accurate, advanced):
        raise ActionRefused("请对真实性、准确性、先进性逐项作出判断，或填写质询内容退回申报单位说明。")
    with transaction.atomic():
        current = Application.unscoped.select_for_update().get(pk=application.pk)
        _may_check(current, actor)
        status = IndicatorCheck.Status.QUERIED if query else IndicatorCheck.Status.CONFIRMED
        check, created = IndicatorCheck.unscoped.update_or_create(
            application=current,
            indicator=indicator,
            defaults={
                "authentic": authentic,
                "accurate": accurate,
                "advanced": advanced,
                "status": status,
                "query": query,
                "note": note,
                "checked_by": actor,
            },
        )
        record(
            actor=actor,
            action=Action.INDICATOR_QUERIED if query else Action.INDICATOR_CHECKED,
            obj=current,
            unit=current.unit,
            reason=query or note,
            details={
                "indicator": indicator,
                "authentic": authentic,
                "accurate": accurate,
                "advanced": advanced,
                "status": status,
                "replaced": not created,
            },
        )
    return check


@dataclass(frozen=True)
class CrossCheck:
    indicator: str  # empty where the check is on the application as a whole (the register)
    message: str  # Chinese, names both values and where the second comes from
    rule: str = "XC1"  # greenlist.rules.cross_checks: XC1 energy table, XC2 filing, XC3 register
    basis: str = CROSS_CLAUSES["XC1"]


def _number(raw: Any) -> Decimal | None:
    try:
        return None if raw in (None, "") else Decimal(str(raw))
    except InvalidOperation:
        return None


def cross_checks(
    indicators: dict[str, Any],
    product: str,
    unit_energy: Decimal | None,
    levels: dict[str, EnergyLevel],
) -> list[CrossCheck]:
    """Pure: contradictions between the self-evaluation and the energy-level table.

    - the declared 单位产品能耗 is worse than the product's 基准水平 while the self-evaluation
      scores the energy indicator at or beyond its own 引领值 (full marks);
    - the self-evaluation's 基准值 for the energy indicator is laxer than the table's 基准水平,
      when both are in the table's unit (the applicant says so by giving the same unit)."""
    level = levels.get(product_key(product)) if product else None
    if level is None:
        return []
    found = []
    values = indicators.get("indicators") or {}
    for indicator in ENERGY_INDICATORS:
        entry = values.get(indicator) or {}
        value, leading, baseline = (_number(entry.get(k)) for k in ("value", "leading", "baseline"))
        better = (lambda a, b: a <= b) if level.lower_is_better else (lambda a, b: a >= b)
        full_marks = value is not None and leading is not None and better(value, leading)
        if (
            unit_energy is not None
            and level.baseline is not None
            and energy_level(level, unit_energy) == "未达基准"
            and full_marks
        ):
            found.append(
                CrossCheck(
                    indicator,
                    f"自评价{indicator}达到引领值（{value}≤{leading}），但申报的{level.product}单位产品能耗"
                    f"{unit_energy}{level.unit}未达到能效基准水平{level.baseline}{level.unit}（{level.source or '能效参考表'}）",
                )
            )
        if (
            baseline is not None
            and level.baseline is not None
            and str(entry.get("unit", "")).strip() == level.unit
            and not better(baseline, level.baseline)
        ):
            found.append(
                CrossCheck(
                    indicator,
                    f"自评价{indicator}采用的基准值{baseline}{level.unit}比能效参考表的基准水平"
                    f"{level.baseline}{level.unit}更宽松，请核实",
                )
            )
    return found


def last_filed_table(application: Application) -> FiledTable | None:
    """The unit's latest handed-in dynamic-management table of the application's category."""
    from greenlist.dynamic.models import Filing, FilingState
    from greenlist.dynamic.service import form
    from greenlist.rules.filing import CycleFileError

    filing = (
        Filing.unscoped.filter(uscc=application.organisation.uscc, entry__category=application.category)
        .exclude(state=FilingState.DRAFT)
        .order_by("-cycle_year", "-pk")
        .first()
    )
    if filing is None:
        return None
    try:
        return FiledTable(filing.cycle_year, form(filing.form_version), dict(filing.values or {}))
    except (CycleFileError, OSError):
        return None  # a filing of a form version no longer on disk: nothing to compare with


def register_cross_checks(application: Application) -> list[CrossCheck]:
    from greenlist.registry.models import FormerName
    from greenlist.screening.facts import list_entries

    uscc = application.organisation.uscc
    batch = application.batch.parameters
    required = batch.listing_required if batch.on("L1") else None
    known = list(FormerName.objects.filter(uscc=uscc).values_list("name", flat=True))
    # A park's entry may carry the park's own name while its applicant is the management body.
    known += [application.park_name] if application.park_name else []
    return [
        CrossCheck("", finding.message, finding.rule, finding.clause)
        for finding in xc3_register(
            application.organisation.name,
            Category(application.category),
            required,
            list_entries([uscc]),
            known,
        )
    ]


def application_cross_checks(application: Application) -> list[CrossCheck]:
    """Every cross-check of one application: the energy-level table (XC1), last year's dynamic
    filing (XC2, self-evaluation only) and the register (XC3)."""
    from greenlist.registry.reference import current_energy_levels

    found = cross_checks(
        application.indicators, application.product, application.unit_energy, current_energy_levels()
    )
    stored = application.indicators or {}
    if application.method == Method.SELF and stored.get("indicators"):
        found += [
            CrossCheck(str(f.evidence["indicator"]), f.message, f.rule, f.clause)
            for f in xc2_filing(
                str(stored.get("system", "")), stored["indicators"], last_filed_table(application), load_map()
            )
        ]
    return found + register_cross_checks(application)
