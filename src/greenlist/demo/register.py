"""The register's demo: the demo campaign's list entries with their history, plus municipal and
national green units so the register holds several hundred units across levels and years; some
renames and removals with history; 培育对象; and two removal proposals — one approved, on a firm
that applies in 2024 so E3 shows in the 2024 screening, and one pending.

Deterministic (its own seeded generator; choices by stable ordering) and idempotent (natural keys;
the proposals only once). New units get codes the campaign's firms do not carry, so they change
no 2024 screening outcome except the approved removal's, which is the point.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from greenlist.accounts.models import Role, User
from greenlist.demo.generate import FACTORY_INDUSTRIES, PROVINCIAL_FACTORIES, WORDS
from greenlist.registry import proposals
from greenlist.registry.models import (
    CultivationTarget,
    Organisation,
    ProvincialListEntry,
    RecommendingUnit,
    RegisterEvent,
    RegisterProposal,
)
from greenlist.registry.register import cultivation_until
from greenlist.rules.uscc import make_uscc
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus

SEED = 20241130
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Municipal green factories per unit: about two thirds of its provincial ones, at least three.
MUNICIPAL_SHARE = 0.66
NATIONAL_FACTORIES = 36
MIIT_LIST = "工业和信息化部公布的{year}年度绿色制造名单"
APPROVED_REASON = (
    "2023年度动态管理核查：单位产品综合能耗高于行业基准水平，经现场核查属实，建议撤销省级绿色工厂称号"
)
PENDING_REASON = "2023年度动态管理表逾期未报送，经督促仍未报送，建议撤销省级绿色工厂称号"


def load_register(units: dict[str, RecommendingUnit], province: User) -> dict[str, int]:
    """Write the register's demo rows. Returns how many of each exist afterwards."""
    rng = random.Random(SEED)
    _extra_units(rng, units)
    _history()
    _renames_and_removals(rng, province)
    _cultivation(rng, units)
    _proposals(province)
    return {
        "名单单位": ProvincialListEntry.objects.count(),
        "名单历史事项": RegisterEvent.unscoped.count(),
        "名单调整建议": RegisterProposal.unscoped.count(),
        "培育对象": CultivationTarget.unscoped.count(),
    }


def _code(rng: random.Random, region6: str, taken: set[str], kind: str = "91") -> str:
    while True:
        code = make_uscc(kind + region6 + "".join(rng.choice(ALPHABET) for _ in range(9)))
        if code not in taken:
            taken.add(code)
            return code


def _region6(rng: random.Random, unit: RecommendingUnit) -> str:
    prefix = unit.region
    return (prefix + f"{rng.randrange(1, 30):02d}" + "00")[:6] if len(prefix) == 4 else prefix


def _name(rng: random.Random, unit: RecommendingUnit, suffix: str, taken: set[str]) -> str:
    place = unit.name.removesuffix("市").removesuffix("新区")
    while True:
        candidate = f"{place}{rng.choice(WORDS)}{rng.choice(WORDS)}{suffix}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _extra_units(rng: random.Random, units: dict[str, RecommendingUnit]) -> None:
    """Municipal green factories in every unit, national green factories and parks; codes and
    names never taken by the campaign's firms."""
    # Only the campaign's codes and names count as taken (never this module's own rows), so a
    # second run draws the same units and finds them already there.
    campaign = ProvincialListEntry.objects.filter(level=ListLevel.PROVINCIAL)
    taken = set(Organisation.unscoped.values_list("uscc", flat=True))
    taken |= set(campaign.values_list("uscc", flat=True))
    names = set(Organisation.unscoped.values_list("name", flat=True))
    names |= set(campaign.values_list("name", flat=True))
    specs: list[dict[str, Any]] = []
    for unit_name, provincial in PROVINCIAL_FACTORIES.items():
        unit = units[unit_name]
        for _ in range(max(3, int(provincial * MUNICIPAL_SHARE))):
            _, suffix = rng.choice(FACTORY_INDUSTRIES)
            specs.append(
                {
                    "uscc": _code(rng, _region6(rng, unit), taken),
                    "name": _name(rng, unit, suffix, names),
                    "category": Category.FACTORY,
                    "level": ListLevel.MUNICIPAL,
                    "unit": unit,
                    "year": rng.choice([2021, 2022, 2023, 2024]),
                }
            )
    weighted = [name for name, count in PROVINCIAL_FACTORIES.items() for _ in range(max(1, count // 4))]
    for _ in range(NATIONAL_FACTORIES):
        unit = units[rng.choice(weighted)]
        _, suffix = rng.choice(FACTORY_INDUSTRIES)
        specs.append(
            {
                "uscc": _code(rng, _region6(rng, unit), taken),
                "name": _name(rng, unit, suffix, names),
                "category": Category.FACTORY,
                "level": ListLevel.NATIONAL,
                "unit": unit,
                "year": rng.choice([2017, 2018, 2019, 2020, 2021, 2022, 2023]),
            }
        )
    for unit_name in ("石家庄市", "唐山市", "沧州市"):
        unit = units[unit_name]
        specs.append(
            {
                "uscc": _code(rng, _region6(rng, unit), taken, kind="11"),
                "name": _name(rng, unit, "经济开发区管理委员会", names),
                "category": Category.PARK,
                "level": ListLevel.NATIONAL,
                "unit": unit,
                "year": rng.choice([2018, 2019, 2020]),
            }
        )
    for spec in specs:
        ProvincialListEntry.objects.get_or_create(
            uscc=spec["uscc"],
            category=spec["category"],
            level=spec["level"],
            defaults={"name": spec["name"], "unit": spec["unit"], "year": spec["year"]},
        )


def _history() -> None:
    """A listing event for every entry that has none yet, and the removal of entries revoked in
    the campaign's data."""
    events: list[RegisterEvent] = []
    with_history = set(RegisterEvent.unscoped.values_list("entry_id", flat=True))
    for entry in ProvincialListEntry.objects.exclude(pk__in=with_history).select_related("unit"):
        level, category = ListLevel(entry.level), Category(entry.category)
        if level is ListLevel.NATIONAL:
            detail = f"列入{MIIT_LIST.format(year=entry.year)}（{category.label}）"
        else:
            detail = f"{entry.year}年列入{level.label}{category.label}名单（{entry.unit.name}推荐）"
        events.append(RegisterEvent(entry=entry, on=dt.date(entry.year, 12, 1), kind="listed", detail=detail))
        if entry.status == ListStatus.REVOKED and entry.revoked_on:
            events.append(
                RegisterEvent(
                    entry=entry,
                    on=entry.revoked_on,
                    kind="revoked",
                    detail="动态管理核查：发生一般环境污染事件，撤销称号",
                    document_number="冀工信节函〔2023〕211号",
                )
            )
    RegisterEvent.unscoped.bulk_create(events)


def _renames_and_removals(rng: random.Random, province: User) -> None:
    """Renames and removals of municipal and national units (never the campaign's applicants), as
    the register records them from earlier years' decisions."""
    if RegisterEvent.unscoped.filter(kind__in=["renamed", "boundary"]).exists():
        return
    renamable = list(
        ProvincialListEntry.objects.filter(level__in=[ListLevel.MUNICIPAL, ListLevel.NATIONAL])
        .select_related("unit")
        .order_by("uscc")
    )
    chosen = rng.sample(renamable, 14)
    for index, entry in enumerate(chosen[:8]):
        if "有限公司" in entry.name:
            new_name = entry.name.replace("有限公司", "（集团）有限公司" if index % 2 else "股份有限公司", 1)
        else:
            new_name = f"{entry.name}（更名）"
        proposals.rename(
            entry,
            new_name=new_name,
            on=dt.date(2022 + index % 3, 3 + index, 10),
            detail="企业名称变更登记（市场监督管理部门核准）",
            actor=province,
            document_number=f"工信厅节函〔{2022 + index % 3}〕{100 + index}号",
        )
    for index, entry in enumerate(chosen[8:12]):
        if entry.level == ListLevel.MUNICIPAL:
            proposals.remove_entry(
                entry,
                on=dt.date(2023, 4 + index, 15),
                detail="年度动态管理表逾期未报送，经督促仍未报送",
                actor=province,
                document_number=f"冀工信节〔2023〕{30 + index}号",
            )
    for entry in chosen[12:]:
        RegisterEvent.unscoped.create(
            entry=entry,
            on=dt.date(2024, 2, 20),
            kind="boundary",
            detail="厂区新增二期生产线，生产经营范围扩大，已在动态管理表中申报并经市级复核",
            actor=province,
        )


def _cultivation(rng: random.Random, units: dict[str, RecommendingUnit]) -> None:
    """培育对象 at provincial and municipal level, valid for the province's period."""
    if CultivationTarget.unscoped.exists():
        return
    taken = set(ProvincialListEntry.objects.values_list("uscc", flat=True))
    names = set(ProvincialListEntry.objects.values_list("name", flat=True))
    for index, unit_name in enumerate(list(PROVINCIAL_FACTORIES) * 2):
        unit = units[unit_name]
        level = ListLevel.PROVINCIAL if index < len(PROVINCIAL_FACTORIES) else ListLevel.MUNICIPAL
        named_on = dt.date(2022 + index % 3, 6, 30)
        _, suffix = rng.choice(FACTORY_INDUSTRIES)
        CultivationTarget(
            uscc=_code(rng, _region6(rng, unit), taken),
            name=_name(rng, unit, suffix, names),
            category=Category.FACTORY,
            level=level,
            unit=unit,
            named_on=named_on,
            valid_until=cultivation_until(level, named_on),
            note="具备培育条件且有提升潜力（《绿色工厂梯度培育及管理暂行办法》第六条）",
        ).save()


def _proposals(province: User) -> None:
    """Two removal proposals of 唐山市: one approved (its firm applies in 2024, so E3 shows in the
    2024 screening), one still waiting for the province."""
    if RegisterProposal.unscoped.exists():
        return
    unit = RecommendingUnit.objects.get(name="唐山市")
    city = User.objects.filter(role=Role.CITY, unit=unit).order_by("pk").first()
    if city is None:
        return
    applicants = set(
        Organisation.unscoped.filter(unit=unit, applications__category="factory").values_list(
            "uscc", flat=True
        )
    )
    candidates = [
        entry
        for entry in ProvincialListEntry.objects.filter(
            unit=unit, category=Category.FACTORY, level=ListLevel.PROVINCIAL, status=ListStatus.ACTIVE
        )
        .select_related("unit")
        .order_by("uscc")
        if entry.uscc in applicants
    ]
    if len(candidates) < 2:
        return
    approved = proposals.propose(
        entry=candidates[0],
        kind="removal",
        reason=APPROVED_REASON,
        effective_on=dt.date(2024, 3, 15),
        actor=city,
    )
    proposals.approve(
        approved, actor=province, reason="经复核，同意撤销", document_number="冀工信节〔2024〕26号"
    )
    proposals.propose(
        entry=candidates[1],
        kind="removal",
        reason=PENDING_REASON,
        effective_on=dt.date(2024, 6, 1),
        actor=city,
    )
