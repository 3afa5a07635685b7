"""P1–P2: green industrial parks (二、具体要求（二）绿色工业园区)."""

from __future__ import annotations

from collections.abc import Sequence

from greenlist.rules.batch import Batch
from greenlist.rules.facts import Application, ListEntry
from greenlist.rules.findings import Finding, cite
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus


def _fails(batch: Batch, message: str, condition: str) -> Finding:
    return cite(batch, "P1", Effect.EXCLUDE, message, condition=condition)


def p1_park_conditions(batch: Batch, application: Application) -> list[Finding]:
    """P1: one finding per failing condition; a missing value fails and says it is missing."""
    if application.category is not Category.PARK:
        return []
    park = application.park
    findings = []
    flags = (
        ("manufacturing_and_energy", park.manufacturing_and_energy, "以产品制造和能源供给为主要功能"),
        ("legal_boundary", park.legal_boundary, "具有法定边界和范围"),
        ("management_body", park.management_body, "具备统一管理机构"),
    )
    for condition, value, text in flags:
        if value is None:
            findings.append(_fails(batch, f"未填写园区是否{text}（缺少数据，视为不符合）", condition))
        elif value is not True:
            findings.append(_fails(batch, f"园区不符合“{text}”的条件", condition))

    minimum, strict = batch.park_min_industrial_share, batch.park_share_strict
    wanted = f"{'超过' if strict else '不低于'}{minimum}%"
    share = park.industrial_share
    if share is None:
        findings.append(_fails(batch, f"未填写工业增加值占比（缺少数据），须{wanted}", "industrial_share"))
    elif not (share > minimum if strict else share >= minimum):
        findings.append(_fails(batch, f"工业增加值占比为{share}%，须{wanted}", "industrial_share"))

    allowed = "、".join(batch.park_levels)
    if park.level is None:
        findings.append(_fails(batch, f"未填写园区级别（缺少数据），须为{allowed}工业园区", "level"))
    elif park.level.label not in batch.park_levels:
        findings.append(_fails(batch, f"园区级别为{park.level.label}，须为{allowed}工业园区", "level"))
    return findings


def on_provincial_list(entries: Sequence[ListEntry], category: Category) -> bool:
    """The applicant has an active provincial-list entry of ``category``."""
    return any(
        e.category is category and e.level is ListLevel.PROVINCIAL and e.status is ListStatus.ACTIVE
        for e in entries
    )


def p2_park_priority(batch: Batch, application: Application, entries: Sequence[ListEntry]) -> list[Finding]:
    """P2: priority flags (low-carbon pilot, high-tech zone, on the provincial green-park list)."""
    if application.category is not Category.PARK:
        return []
    park = application.park
    reasons = []
    if park.low_carbon_pilot:
        reasons.append(("low_carbon_pilot", "国家低碳工业园区试点单位"))
    if park.high_tech_zone:
        reasons.append(("high_tech_zone", "高新技术开发区"))
    if on_provincial_list(entries, Category.PARK):
        reasons.append(("provincial_list", "已列入省级绿色工业园区名单"))
    inside, basis = park.green_factories
    suffix = f"（{green_factories_text(application)}）" if inside is not None else ""
    return [
        cite(
            batch,
            "P2",
            Effect.PRIORITY,
            f"优先推荐：{text}{suffix}",
            flag=flag,
            green_factories_inside=inside,
            green_factories_basis=basis,
        )
        for flag, text in reasons
    ]


def green_factories_text(application: Application) -> str:
    inside, basis = application.park.green_factories
    if inside is None:
        return "园区内绿色工厂数量未知"
    where = "据绿色制造名单登记" if basis == "register" else "申报单位自报"
    return f"园区内绿色工厂{inside}家（{where}）"


def park_rank_key(application: Application, *, listed: bool = False) -> tuple[int, int, int, str]:
    """Sort parks with ``sorted(key=...)``, best first (P2).

    Parks on the provincial list (``listed``, see :func:`on_provincial_list`) come first, then more
    green factories inside (the register's count where it records parks, else the declared one), then more priority flags (pilot, high-tech zone), then uscc.
    """
    park = application.park
    return (
        0 if listed else 1,
        -(park.green_factories[0] or 0),
        -(int(park.low_carbon_pilot) + int(park.high_tech_zone)),
        application.uscc,
    )
