"""S1–S2: green supply-chain management enterprises (二、具体要求（三）绿色供应链管理企业)."""

from __future__ import annotations

from collections.abc import Sequence

from greenlist.rules.batch import Batch
from greenlist.rules.facts import Application, ListEntry
from greenlist.rules.findings import Finding, cite
from greenlist.rules.industries import application_codes, covers, load_industries
from greenlist.rules.park import on_provincial_list
from greenlist.rules.vocabulary import Category, Effect, ListStatus


def s1_green_factory(batch: Batch, application: Application, entries: Sequence[ListEntry]) -> list[Finding]:
    """S1: in principle a provincial-or-higher green factory; warn when the applicant's own entries
    (same uscc) hold no active green-factory entry at either level."""
    if application.category is not Category.SUPPLY_CHAIN:
        return []
    if any(e.category is Category.FACTORY and e.status is ListStatus.ACTIVE for e in entries):
        return []
    return [
        cite(
            batch,
            "S1",
            Effect.WARN,
            "不是有效的省级或国家级绿色工厂；推荐的绿色供应链管理企业原则上应为省级及以上绿色工厂",
        )
    ]


def s2_supply_chain_priority(
    batch: Batch, application: Application, entries: Sequence[ListEntry]
) -> list[Finding]:
    """S2: one priority finding per reason: a priority industry, an automotive producer-responsibility
    pilot, the provincial supply-chain list, a leading firm with at least
    ``batch.supply_chain_leading_suppliers`` green-factory suppliers (the notice says only "数量众多":
    the number is the province's choice in the batch file, and the finding says so)."""
    if application.category is not Category.SUPPLY_CHAIN:
        return []
    findings = []
    # The notice's industry names, resolved to GB/T 4754 codes (rules.industries), not substrings.
    table = load_industries()
    codes = application_codes(application.industry_code, application.industry, table)
    industries = [
        name
        for name in batch.supply_chain_priority_industries
        if codes and covers(table.resolve(name), codes)
    ]
    if industries:
        findings.append(
            cite(
                batch,
                "S2",
                Effect.PRIORITY,
                f"优先推荐行业：所属行业“{application.industry or table.label(codes)}”"
                f"（{table.label(codes)}）属于{'、'.join(industries)}制造",
                flag="industry",
                industries=industries,
                industry_codes=list(codes),
            )
        )
    if application.supply_chain.producer_responsibility_pilot:
        findings.append(
            cite(
                batch,
                "S2",
                Effect.PRIORITY,
                "汽车产品生产者责任延伸试点企业",
                flag="producer_responsibility_pilot",
            )
        )
    if on_provincial_list(entries, Category.SUPPLY_CHAIN):
        findings.append(
            cite(batch, "S2", Effect.PRIORITY, "已列入省级绿色供应链管理企业名单", flag="provincial_list")
        )
    suppliers = application.supply_chain.green_factory_suppliers
    threshold = batch.supply_chain_leading_suppliers
    if suppliers is not None and suppliers >= threshold:
        findings.append(
            cite(
                batch,
                "S2",
                Effect.PRIORITY,
                f"龙头企业：供应商中有绿色工厂{suppliers}家（不少于{threshold}家；通知只说“数量众多”，"
                f"{threshold}家是省厅在批次文件中的取值）",
                flag="leading_firm",
                threshold_chosen_by="province",
                green_factory_suppliers=suppliers,
                threshold=threshold,
            )
        )
    return findings


def supply_chain_rank_key(application: Application, priority: Sequence[Finding]) -> tuple[int, int, str]:
    """Sort supply-chain applicants, best first: more S2 priority reasons, then more green-factory
    suppliers, then uscc."""
    return (
        -sum(1 for f in priority if f.rule == "S2"),
        -(application.supply_chain.green_factory_suppliers or 0),
        application.uscc,
    )
