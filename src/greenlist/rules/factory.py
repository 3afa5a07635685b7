"""F1–F3: green factories (一、总体要求; 二、具体要求（一）绿色工厂).

``entries`` arguments are the applicant's own green-list entries (same uscc); the caller indexes
the lists once. ``energy_levels`` is keyed by product name with all whitespace removed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from greenlist.rules.batch import Batch
from greenlist.rules.facts import Application, EnergyLevel, ListEntry
from greenlist.rules.findings import Finding, cite
from greenlist.rules.industries import application_codes, covers, load_industries
from greenlist.rules.names import normalise_name
from greenlist.rules.routing import route
from greenlist.rules.vocabulary import Category, Effect, ListLevel, ListStatus

EnergyGrade = Literal["标杆", "基准", "未达基准"]


def _factory_entries(entries: Sequence[ListEntry], level: ListLevel) -> list[ListEntry]:
    return [e for e in entries if e.category is Category.FACTORY and e.level is level]


def f1_provincial_green_factory(
    batch: Batch, application: Application, entries: Sequence[ListEntry]
) -> list[Finding]:
    """F1: a national green factory must come from the unit's own active provincial green factories.

    At most one finding, the most telling of: already a national green factory; active provincial
    green factory of another unit; revoked from the provincial list; not on it at all.
    """
    if application.category is not Category.FACTORY:
        return []
    national = [e for e in _factory_entries(entries, ListLevel.NATIONAL) if e.status is ListStatus.ACTIVE]
    if national:
        return [
            cite(
                batch,
                "F1",
                Effect.EXCLUDE,
                f"已是国家级绿色工厂（{national[0].year}年列入），无需再推荐",
                list_level=ListLevel.NATIONAL.value,
                list_year=national[0].year,
            )
        ]
    provincial = _factory_entries(entries, ListLevel.PROVINCIAL)
    active = [e for e in provincial if e.status is ListStatus.ACTIVE]
    if any(e.unit == application.unit for e in active):
        return []
    if active:
        other = active[0]
        return [
            cite(
                batch,
                "F1",
                Effect.EXCLUDE,
                f"是{other.unit}的省级绿色工厂（{other.year}年列入），不属于推荐单位{application.unit}辖区，"
                f"应由{other.unit}推荐",
                list_unit=other.unit,
                list_year=other.year,
            )
        ]
    if provincial:
        revoked = provincial[0]
        when = revoked.revoked_on.isoformat() if revoked.revoked_on else "日期未记录"
        return [
            cite(
                batch,
                "F1",
                Effect.EXCLUDE,
                f"{revoked.year}年列入的省级绿色工厂资格已撤销（撤销日期：{when}），不是有效的省级绿色工厂",
                list_unit=revoked.unit,
                list_year=revoked.year,
                revoked_on=revoked.revoked_on.isoformat() if revoked.revoked_on else None,
            )
        ]
    return [
        cite(
            batch,
            "F1",
            Effect.EXCLUDE,
            f"不在{application.unit}有效的省级绿色工厂名单中，国家级绿色工厂须从辖区内省级绿色工厂中推荐",
            list_unit=application.unit,
        )
    ]


def industry_standard(batch: Batch, industry: str, code: str = "") -> str | None:
    """The published industry green-factory standard for an industry (a name, or its GB/T 4754
    ``code``), if the batch lists one. The batch's keys are industry names resolved through the
    classification (``rules.industries``), never matched as substrings; the most specific wins.
    A batch with key-industry routing (2025 on) names the sector requirement of a key industry."""
    routed = route(batch, industry, code)
    if routed is not None:
        return routed.requirement if routed.key_industry else None
    table = load_industries()
    codes = application_codes(code, industry, table)
    if not codes:
        return None
    matching = [
        (max(len(c) for c in listed), key)
        for key in batch.industry_factory_standards
        if (listed := table.resolve(key)) and covers(listed, codes)
    ]
    if not matching:
        return None
    return batch.industry_factory_standards[max(matching)[1]]


def expected_standard(batch: Batch, industry: str, code: str = "") -> str:
    """The standard a factory of ``industry`` must be evaluated by (F2)."""
    return industry_standard(batch, industry, code) or batch.default_factory_standard


def same_standard(used: str, expected: str) -> bool:
    """Standards are the same when one names the other, ignoring widths and spaces
    ("JB/T14407-2023" names "JB/T 14407-2023 机械行业绿色工厂评价导则")."""
    a, b = normalise_name(used), normalise_name(expected)
    return bool(a) and (a in b or b in a)


def f2_evaluation_standard(batch: Batch, application: Application) -> list[Finding]:
    """F2: warn when the industry has a published standard and the applicant named another one."""
    if application.category is not Category.FACTORY:
        return []
    published = industry_standard(batch, application.industry, application.industry_code)
    used = application.standard_used.strip()
    if published is None or not used or same_standard(used, published):
        return []
    return [
        cite(
            batch,
            "F2",
            Effect.WARN,
            f"行业“{application.industry or application.industry_code}”已发布绿色工厂评价行业标准《{published}》，"
            "须按行业标准评价，"
            f"申报材料采用的是《{used}》",
            expected_standard=published,
            standard_used=used,
        )
    ]


def _at_or_better(value: Decimal, reference: Decimal | None, lower_is_better: bool) -> bool:
    if reference is None:
        return False
    return value <= reference if lower_is_better else value >= reference


def energy_level(level: EnergyLevel, value: Decimal) -> EnergyGrade:
    """Where ``value`` stands: at or better than the benchmark → 标杆; than the baseline → 基准;
    otherwise (or when the reference values are missing) → 未达基准."""
    if _at_or_better(value, level.benchmark, level.lower_is_better):
        return "标杆"
    if _at_or_better(value, level.baseline, level.lower_is_better):
        return "基准"
    return "未达基准"


def product_key(product: str) -> str:
    """How ``energy_levels`` mappings are keyed: the product name without any whitespace."""
    return "".join(product.split())


def key_industry(application: Application, level: EnergyLevel) -> bool:
    """F3 "重点行业、领域": by the applicant's GB/T 4754 code against the data file's key industries
    where its industry is known and the product has the value that reading needs; otherwise by the
    product's own table (723号 products are the key-industry areas)."""
    table = load_industries()
    codes = application_codes(application.industry_code, application.industry, table)
    if not codes:
        return level.key_industry
    key = any(covers(entry.codes, codes) for entry in table.key_industries)
    if (level.benchmark if key else level.grade1) is None:
        return level.key_industry
    return key


def f3_energy_priority(
    batch: Batch, application: Application, energy_levels: Mapping[str, EnergyLevel]
) -> list[Finding]:
    """F3: priority for key-industry products at the benchmark level (标杆水平) and other products at
    the energy-consumption quota grade 1 (先进值/1级)."""
    if application.category is not Category.FACTORY or application.unit_energy is None:
        return []
    level = energy_levels.get(product_key(application.product))
    if level is None:
        return []
    value = application.unit_energy
    if key_industry(application, level):
        reached, reference, what = (
            _at_or_better(value, level.benchmark, level.lower_is_better),
            level.benchmark,
            "达到能效标杆水平",
        )
    else:
        reached, reference, what = (
            _at_or_better(value, level.grade1, level.lower_is_better),
            level.grade1,
            "达到能源消耗限额标准先进值（1级）水平",
        )
    if not reached:
        return []
    return [
        cite(
            batch,
            "F3",
            Effect.PRIORITY,
            f"{what}：{level.product}单位产品能耗{value}{level.unit}，参考值{reference}{level.unit}"
            f"{'（越低越好）' if level.lower_is_better else '（越高越好）'}",
            product=level.product,
            value=str(value),
            reference=str(reference),
            unit=level.unit,
        )
    ]
