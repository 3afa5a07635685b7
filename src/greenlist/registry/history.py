"""The register's other write paths: a history event the province records by hand (a boundary or
scope change, a merger), and a 培育对象 named by the province (provincial level) or a city (its
own municipal level). Refusals use the proposals' exceptions (403 / 422 / 409); each write is one
transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.registry.models import CultivationTarget, ProvincialListEntry, RecommendingUnit, RegisterEvent
from greenlist.registry.proposals import Conflict, Forbidden, Invalid, entry_label
from greenlist.registry.register import cultivation_until
from greenlist.rules.names import normalise_name
from greenlist.rules.uscc import is_valid_uscc
from greenlist.rules.vocabulary import Category, ListLevel

# Listing, renames and removals have their own paths (import, proposals); these are recorded here.
MANUAL_KINDS = (RegisterEvent.Kind.BOUNDARY, RegisterEvent.Kind.MERGED, RegisterEvent.Kind.OTHER)


def _role(actor: Any) -> str:
    role = str(getattr(actor, "role", ""))
    return "province" if role == "admin" else role


def record_event(
    entry: ProvincialListEntry,
    *,
    kind: str,
    on: dt.date | None,
    detail: str,
    actor: Any,
    document_number: str = "",
) -> RegisterEvent:
    """The province records a boundary or scope change, a merger or another fact in a unit's
    history. Side effects: one history event, one audit event."""
    if _role(actor) != "province":
        raise Forbidden("只有省工业和信息化厅可以记录名单单位的历史事项；推荐单位请通过调整建议报送。")
    if kind not in MANUAL_KINDS:
        allowed = "、".join(RegisterEvent.Kind(k).label for k in MANUAL_KINDS)
        raise Invalid(f"事项类型只能是{allowed}；列入、更名、撤销请通过名单导入或调整建议办理。")
    detail = (detail or "").strip()
    if not detail:
        raise Invalid("请填写事项说明（如变更后的边界范围、合并对象）。")
    if on is None:
        raise Invalid("请填写事项日期（格式 YYYY-MM-DD）。")
    with transaction.atomic():
        event = RegisterEvent.unscoped.create(
            entry=entry,
            on=on,
            kind=kind,
            detail=detail,
            document_number=(document_number or "").strip()[:100],
            actor=actor,
        )
        record(
            actor=actor,
            action=Action.REGISTER_EVENT_RECORDED,
            obj=entry,
            object_label=entry_label(entry),
            unit=entry.unit,
            reason=detail,
            details={
                "kind": kind,
                "on": on.isoformat(),
                "document_number": event.document_number,
                "from": None,
                "to": {"event": event.pk},
            },
        )
    return event


def name_cultivation_target(
    *,
    uscc: str,
    name: str,
    category: str,
    level: str,
    unit: RecommendingUnit,
    named_on: dt.date | None,
    actor: Any,
    note: str = "",
) -> CultivationTarget:
    """Name a 培育对象: the province at provincial level for any unit, a city at municipal level
    for its own unit. Valid for the province's period (``data/provinces/*.yaml``). Side effects:
    one target (or its renewal), one audit event with old and new values."""
    role = _role(actor)
    if level not in (ListLevel.PROVINCIAL, ListLevel.MUNICIPAL):
        raise Invalid("培育对象的级别只能是省级或市级。")
    if level == ListLevel.PROVINCIAL and role != "province":
        raise Forbidden("省级培育对象由省工业和信息化厅确定。")
    if level == ListLevel.MUNICIPAL and not (
        role == "province" or (role == "city" and actor.unit_id == unit.pk)
    ):
        raise Forbidden(f"{unit.name}的市级培育对象由{unit.name}确定。")
    uscc = (uscc or "").strip().upper()
    if not is_valid_uscc(uscc):
        raise Invalid(f"统一社会信用代码“{uscc[:20]}”无效，请核对18位代码及校验位。")
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写单位名称。")
    if category not in {c.value for c in Category}:
        raise Invalid("类别无效，请选择绿色工厂、绿色工业园区或绿色供应链管理企业。")
    if named_on is None:
        raise Invalid("请填写确定日期（格式 YYYY-MM-DD）。")
    if ProvincialListEntry.objects.filter(
        uscc=uscc, category=category, level=level, status="active"
    ).exists():
        raise Conflict(
            f"“{name}”已是有效的{ListLevel(level).label}{Category(category).label}，无需列为培育对象。"
        )
    valid_until = cultivation_until(level, named_on)
    with transaction.atomic():
        target = CultivationTarget.unscoped.filter(uscc=uscc, category=category, level=level).first()
        before = (
            None
            if target is None
            else {
                "name": target.name,
                "named_on": target.named_on.isoformat(),
                "valid_until": target.valid_until.isoformat(),
            }
        )
        if target is None:
            target = CultivationTarget(uscc=uscc, category=category, level=level)
        target.name, target.name_normalised = name, normalise_name(name)
        target.unit, target.named_on, target.valid_until = unit, named_on, valid_until
        target.note = (note or "").strip()
        target.save()
        record(
            actor=actor,
            action=Action.CULTIVATION_TARGET_NAMED,
            obj=target,
            unit=unit,
            reason=target.note,
            details={
                "from": before,
                "to": {
                    "name": name,
                    "named_on": named_on.isoformat(),
                    "valid_until": valid_until.isoformat(),
                },
                "level": level,
                "category": category,
            },
        )
    return target
