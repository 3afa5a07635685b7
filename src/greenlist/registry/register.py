"""The green-unit register (绿色制造名单库): who may see which listed units, the query parameters
the pages and the API share, each unit's history, former names, and the province's register
parameters (培育对象 validity, national units shown at provincial level).

The list entries themselves are ``ProvincialListEntry`` rows (screening reads them for E3, F1,
P2, S1, S2); this module adds nothing to them but reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from greenlist.registry.models import (
    CultivationTarget,
    FormerName,
    ProvincialListEntry,
    RecommendingUnit,
    RegisterEvent,
    entry_scope,
)
from greenlist.registry.sync import load_province
from greenlist.rules.names import normalise_name
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus
from greenlist.scoping import Scope, current_scope

# Accepted spellings of a status besides the code and the label: the issue and everyday usage
# write 撤销 for 已撤销.
STATUS_ALIASES = {"撤销": ListStatus.REVOKED, "已撤消": ListStatus.REVOKED}


class BadFilter(ValueError):
    """A query parameter that names no level, status, category or unit (Chinese message)."""


def parse_level(raw: str) -> ListLevel | None:
    text = raw.strip()
    if not text:
        return None
    for member in ListLevel:
        if text in (member.value, member.label):
            return member
    labels = "、".join(m.label for m in ListLevel)
    raise BadFilter(
        f"级别“{text[:20]}”无效，请填写{labels}之一（或其代码 provincial、national、municipal）。"
    )


def parse_status(raw: str) -> ListStatus | None:
    text = raw.strip()
    if not text:
        return None
    for member in ListStatus:
        if text in (member.value, member.label):
            return member
    if text in STATUS_ALIASES:
        return STATUS_ALIASES[text]
    if text in ("更名", "合并", "已更名", "已合并"):
        raise BadFilter(
            f"“{text}”是名单单位的历史事项而不是状态：更名或合并后继续列入的单位状态为“有效”，"
            "未继续列入的为“已撤销”，事项见各单位的历史（history）。"
        )
    raise BadFilter(f"状态“{text[:20]}”无效，请填写“有效”或“已撤销”（或其代码 active、revoked）。")


def parse_category(raw: str) -> Category | None:
    text = raw.strip()
    if not text:
        return None
    for member in Category:
        if text in (member.value, member.label):
            return member
    raise BadFilter(
        f"类别“{text[:20]}”无效，请填写 factory（绿色工厂）、park（绿色工业园区）或 supply_chain（绿色供应链管理企业）。"
    )


def parse_unit(raw: str) -> RecommendingUnit | None:
    text = raw.strip()
    if not text:
        return None
    unit = (
        RecommendingUnit.objects.filter(Q(name=text) | Q(code=text)).first()
        or RecommendingUnit.objects.filter(name=f"{text}市").first()
    )
    if unit is None:
        raise BadFilter(
            f"推荐单位“{text[:20]}”不存在，请填写推荐单位名称（如“石家庄市”）或代码（如 shijiazhuang）。"
        )
    return unit


def visible_entries(scope: Scope | None = None) -> QuerySet[ProvincialListEntry]:
    """The list entries ``scope`` (the current one by default) may see: the province all, a city
    or department its unit's, an applicant its own, anyone else none."""
    active = scope if scope is not None else current_scope()
    if active is None:
        return ProvincialListEntry.objects.none()
    if active.everything:
        return ProvincialListEntry.objects.all()
    condition = entry_scope(active)
    if condition is None:
        return ProvincialListEntry.objects.none()
    return ProvincialListEntry.objects.filter(condition)


@dataclass(frozen=True)
class Filters:
    category: Category | None = None
    level: ListLevel | None = None
    unit: RecommendingUnit | None = None
    status: ListStatus | None = None
    query: str = ""
    # With level 省级: also the national units the province manages at provincial level, where
    # its data file says so (national_shown_at_provincial).
    with_national: bool = False

    @classmethod
    def parse(cls, params: Any) -> Filters:
        """From request parameters (a QueryDict or a dict); raises :class:`BadFilter`."""
        return cls(
            category=parse_category(params.get("category") or ""),
            level=parse_level(params.get("level") or ""),
            unit=parse_unit(params.get("unit") or ""),
            status=parse_status(params.get("status") or ""),
            query=(params.get("q") or "").strip()[:100],
            with_national=(params.get("national") or "") in ("1", "on", "true"),
        )

    def apply(self, entries: QuerySet[ProvincialListEntry]) -> QuerySet[ProvincialListEntry]:
        if self.category is not None:
            entries = entries.filter(category=self.category)
        if self.level is ListLevel.PROVINCIAL and self.with_national and national_shown_at_provincial().value:
            entries = entries.filter(level__in=[ListLevel.PROVINCIAL, ListLevel.NATIONAL])
        elif self.level is not None:
            entries = entries.filter(level=self.level)
        if self.unit is not None:
            entries = entries.filter(unit=self.unit)
        if self.status is not None:
            entries = entries.filter(status=self.status)
        if self.query:
            normalised = normalise_name(self.query)
            entries = entries.filter(
                Q(uscc__iexact=self.query)
                | Q(name_normalised__contains=normalised)
                | Q(former_names__name_normalised__contains=normalised)
            ).distinct()
        return entries


def register_rows(scope: Scope | None, filters: Filters) -> QuerySet[ProvincialListEntry]:
    """The register as the pages and the API list it, with each unit's history prefetched."""
    return (
        filters.apply(visible_entries(scope))
        .select_related("unit")
        .prefetch_related(
            Prefetch("events", queryset=RegisterEvent.unscoped.order_by("on", "id")),
            "former_names",
        )
        .order_by("unit__order", "category", "level", "-year", "name", "id")
    )


def entry_out(entry: ProvincialListEntry) -> dict[str, Any]:
    """One entry in the contract's shape (docs/contracts/http.md, "The register over HTTP")."""
    return {
        "uscc": entry.uscc,
        "name": entry.name,
        "category": entry.category,
        "level": ListLevel(entry.level).label,
        "unit": entry.unit.name,
        "year": entry.year,
        "status": ListStatus(entry.status).label,
        "removed_on": entry.revoked_on.isoformat() if entry.revoked_on else None,
        "history": [history_item(event) for event in entry.events.all()],
    }


def history_item(event: RegisterEvent) -> dict[str, str]:
    return {"on": event.on.isoformat(), "event": event.get_kind_display(), "detail": event_detail(event)}


def event_detail(event: RegisterEvent) -> str:
    """The event in one sentence: its text, the names of a rename and its document number."""
    parts = []
    if event.kind == RegisterEvent.Kind.RENAMED and (event.old_name or event.new_name):
        parts.append(f"由“{event.old_name}”更名为“{event.new_name}”")
    if event.detail:
        parts.append(event.detail)
    if event.document_number:
        parts.append(f"文号：{event.document_number}")
    return "；".join(parts)


def former_names(usccs: Iterable[str]) -> dict[str, set[str]]:
    """Normalised former names per uscc, for name matching (a renamed unit keeps its old names)."""
    codes = sorted(set(usccs))
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(codes), 900):
        rows = FormerName.objects.filter(uscc__in=codes[start : start + 900]).values_list(
            "uscc", "name_normalised"
        )
        for uscc, name in rows:
            found[uscc].add(name)
    return found


def usccs_named(normalised_names: Iterable[str]) -> dict[str, set[str]]:
    """Usccs of listed units that carry, or once carried, each normalised name."""
    names = sorted(set(normalised_names))
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(names), 900):
        part = names[start : start + 900]
        for uscc, name in ProvincialListEntry.objects.filter(name_normalised__in=part).values_list(
            "uscc", "name_normalised"
        ):
            found[name].add(uscc)
        for uscc, name in FormerName.objects.filter(name_normalised__in=part).values_list(
            "uscc", "name_normalised"
        ):
            found[name].add(uscc)
    return found


@dataclass(frozen=True)
class Parameter:
    """A province value with its source and confidence mark (C: 待核实)."""

    value: Any
    source: str
    confidence: str

    @property
    def unverified(self) -> bool:
        return self.confidence == "C"


def _parameter(raw: Any, default: Any) -> Parameter:
    if isinstance(raw, dict):
        return Parameter(
            raw.get("value", default), str(raw.get("source", "")), str(raw.get("confidence", "C"))
        )
    if raw is None:
        return Parameter(default, "未在省份数据文件中设定，采用系统默认值", "C")
    return Parameter(raw, "", "C")


def register_parameters() -> dict[str, Any]:
    return dict(load_province().get("register") or {})


def cultivation_validity(level: ListLevel | str) -> Parameter:
    """How many years a 培育对象 named at ``level`` stays one (province data, with its source)."""
    per_level = register_parameters().get("cultivation_validity_years") or {}
    return _parameter(per_level.get(ListLevel(level).value), 3)


def national_shown_at_provincial() -> Parameter:
    return _parameter(register_parameters().get("national_shown_at_provincial"), False)


def cultivation_until(level: ListLevel | str, named_on: dt.date) -> dt.date:
    """The last day a target named on ``named_on`` at ``level`` is a 培育对象."""
    years = int(cultivation_validity(level).value)
    try:
        end = named_on.replace(year=named_on.year + years)
    except ValueError:  # 29 February
        end = named_on.replace(year=named_on.year + years, day=28)
    return end - dt.timedelta(days=1)


def active_cultivation_targets(on: dt.date) -> QuerySet[CultivationTarget]:
    """培育对象 still valid on ``on``, in the current scope (a scoped model)."""
    return CultivationTarget.objects.filter(named_on__lte=on, valid_until__gte=on)
