"""Removal and rename proposals: a city proposes for its own listed units, the province decides.

Every function here is one write path (the Zulip ``do_*`` shape): one transaction, the actor's
authority checked first, the history and the audit trail written with the change. A refused
action changes nothing. An approved removal revokes the entry dated ``effective_on``; the entry's
save bumps the screening data version (``screening/signals.py``), so E3 and F1 read the removal
at the next run with no other input. An approved rename renames the firm's entries, keeps the old
name as a :class:`FormerName` for name matching, and renames the applicant record to match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.documents import register_summary
from greenlist.registry import notices
from greenlist.registry.models import (
    FormerName,
    Organisation,
    ProvincialListEntry,
    RegisterEvent,
    RegisterProposal,
)
from greenlist.registry.sync import load_province
from greenlist.rules.names import normalise_name
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus

if TYPE_CHECKING:
    from greenlist.dynamic.models import Filing

NAME_MAX = 200
REASON_MAX = 2000


class ProposalRefused(Exception):
    """Why a proposal or decision was refused (Chinese, says what to do instead)."""

    status = 409


class Forbidden(ProposalRefused):
    """The actor's role or unit may not do this (HTTP 403)."""

    status = 403


class Invalid(ProposalRefused):
    """A value is missing or malformed (HTTP 422)."""

    status = 422


class Conflict(ProposalRefused):
    """The entry's or the proposal's state stands in the way (HTTP 409)."""

    status = 409


def _role(actor: Any) -> str:
    role = str(getattr(actor, "role", ""))
    return "province" if role == "admin" else role


def entry_label(entry: ProvincialListEntry) -> str:
    return f"{entry.name}（{Category(entry.category).label}，{ListLevel(entry.level).label}）"


def propose(
    *,
    entry: ProvincialListEntry,
    kind: str,
    reason: str,
    effective_on: dt.date | None,
    new_name: str = "",
    actor: Any,
    filing: Filing | None = None,
) -> RegisterProposal:
    """A city proposes removing or renaming one of its own unit's listed units, optionally from
    the dynamic-management ``filing`` of that unit whose audit led to it (the proposal links back
    to it). Side effects: one pending proposal and one audit event."""
    if _role(actor) != "city" or actor.unit_id is None:
        raise Forbidden("只有推荐单位（市级工业和信息化主管部门）可以提出名单调整建议。")
    if actor.unit_id != entry.unit_id:
        raise Forbidden(f"“{entry.name}”属于{entry.unit.name}，只能由{entry.unit.name}提出调整建议。")
    if kind not in RegisterProposal.Kind.values:
        raise Invalid("建议类型无效，请填写 removal（撤销）或 rename（更名）。")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请填写调整理由（如动态管理核查发现的问题、更名依据）。")
    if len(reason) > REASON_MAX:
        raise Invalid(f"调整理由不能超过{REASON_MAX}字。")
    if effective_on is None:
        raise Invalid("请填写生效日期（格式 YYYY-MM-DD，如 2024-03-01）。")
    new_name = (new_name or "").strip()
    if kind == RegisterProposal.Kind.RENAME:
        if not new_name:
            raise Invalid("更名建议须填写新名称。")
        if len(new_name) > NAME_MAX:
            raise Invalid(f"新名称不能超过{NAME_MAX}字。")
        if normalise_name(new_name) == entry.name_normalised:
            raise Invalid("新名称与现名称相同，请核对。")
    else:
        new_name = ""
    if filing is not None and filing.entry_id != entry.pk:
        raise Invalid("该动态管理表不是这家名单单位的，不能据此提出调整建议。")
    with transaction.atomic():
        current = ProvincialListEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
        if current.status != ListStatus.ACTIVE:
            raise Conflict(f"“{current.name}”已撤销，不能再提出调整建议。")
        if RegisterProposal.unscoped.filter(
            entry=current, kind=kind, status=RegisterProposal.Status.PENDING
        ).exists():
            raise Conflict(f"“{current.name}”已有一项待省厅审核的同类建议，请等待审核结果。")
        proposal = RegisterProposal.unscoped.create(
            entry=current,
            kind=kind,
            reason=reason,
            effective_on=effective_on,
            new_name=new_name,
            proposed_by=actor,
            filing=filing,
        )
        record(
            actor=actor,
            action=Action.REGISTER_PROPOSED,
            obj=proposal,
            unit=current.unit,
            reason=reason,
            details={
                "entry": _entry_key(current),
                "kind": kind,
                "effective_on": effective_on.isoformat(),
                **({"old_name": current.name, "new_name": new_name} if new_name else {}),
                **({"filing": filing.pk, "cycle": filing.cycle_year} if filing is not None else {}),
            },
        )
    return proposal


def _entry_key(entry: ProvincialListEntry) -> dict[str, Any]:
    return {"uscc": entry.uscc, "category": entry.category, "level": entry.level, "name": entry.name}


def _decidable(proposal: RegisterProposal, actor: Any) -> RegisterProposal:
    if _role(actor) != "province":
        raise Forbidden("只有省工业和信息化厅可以审核名单调整建议。")
    current = RegisterProposal.unscoped.select_for_update().get(pk=proposal.pk)
    if current.status != RegisterProposal.Status.PENDING:
        raise Conflict(f"该建议已{current.get_status_display()}，不能重复审核。")
    return current


def approve(
    proposal: RegisterProposal, *, actor: Any, reason: str = "", document_number: str = ""
) -> RegisterProposal:
    """The province approves. Side effects: the removal or rename itself (entries, history,
    former names), the proposal decided, audit events with old and new values."""
    with transaction.atomic():
        current = _decidable(proposal, actor)
        entry = (
            ProvincialListEntry.objects.select_for_update().select_related("unit").get(pk=current.entry_id)
        )
        note = (reason or "").strip()
        number = (document_number or "").strip()[:100]
        if current.kind == RegisterProposal.Kind.REMOVAL:
            remove_entry(
                entry,
                on=current.effective_on,
                detail=current.reason,
                document_number=number,
                actor=actor,
                reason=f"批准{entry.unit.name}的撤销建议",
            )
        else:
            rename(
                entry,
                new_name=current.new_name,
                on=current.effective_on,
                detail=current.reason,
                document_number=number,
                actor=actor,
            )
        _decide(current, RegisterProposal.Status.APPROVED, actor, note, number)
        record(
            actor=actor,
            action=Action.REGISTER_PROPOSAL_APPROVED,
            obj=current,
            unit=entry.unit,
            reason=note,
            details={
                "entry": _entry_key(entry),
                "kind": current.kind,
                "from": {"status": RegisterProposal.Status.PENDING},
                "to": {"status": RegisterProposal.Status.APPROVED},
                "document_number": number,
            },
        )
        notices.queue_decision(current)
    return current


def reject(proposal: RegisterProposal, *, actor: Any, reason: str) -> RegisterProposal:
    """The province rejects, with its reason. Side effects: the proposal decided, one audit event."""
    note = (reason or "").strip()
    if not note:
        if _role(actor) != "province":
            raise Forbidden("只有省工业和信息化厅可以审核名单调整建议。")
        raise Invalid("驳回须填写理由，推荐单位将看到该理由。")
    with transaction.atomic():
        current = _decidable(proposal, actor)
        _decide(current, RegisterProposal.Status.REJECTED, actor, note, "")
        entry = current.entry
        record(
            actor=actor,
            action=Action.REGISTER_PROPOSAL_REJECTED,
            obj=current,
            unit=entry.unit,
            reason=note,
            details={
                "entry": _entry_key(entry),
                "kind": current.kind,
                "from": {"status": RegisterProposal.Status.PENDING},
                "to": {"status": RegisterProposal.Status.REJECTED},
            },
        )
        notices.queue_decision(current)
    return current


def _decide(proposal: RegisterProposal, status: str, actor: Any, reason: str, number: str) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.document_number = number
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "document_number"])


def remove_entry(
    entry: ProvincialListEntry,
    *,
    on: dt.date,
    detail: str,
    actor: Any,
    document_number: str = "",
    reason: str = "",
) -> RegisterEvent:
    """Revoke ``entry`` dated ``on``. Side effects: the entry (its save bumps the screening data
    version), a 撤销 history event, an audit event with old and new values. Call inside a
    transaction."""
    before = {
        "status": entry.status,
        "revoked_on": entry.revoked_on.isoformat() if entry.revoked_on else None,
    }
    if entry.status == ListStatus.REVOKED:
        raise Conflict(f"“{entry.name}”已于{entry.revoked_on or '（日期未记录）'}撤销。")
    entry.status = ListStatus.REVOKED
    entry.revoked_on = on
    entry.save(update_fields=["status", "revoked_on"])
    event = RegisterEvent.unscoped.create(
        entry=entry,
        on=on,
        kind=RegisterEvent.Kind.REVOKED,
        detail=detail,
        document_number=document_number,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        action=Action.REGISTER_ENTRY_REMOVED,
        obj=entry,
        unit=entry.unit,
        reason=reason or detail,
        details={
            "entry": _entry_key(entry),
            "from": before,
            "to": {"status": entry.status, "revoked_on": on.isoformat()},
            "document_number": document_number,
        },
    )
    return event


def rename(
    entry: ProvincialListEntry,
    *,
    new_name: str,
    on: dt.date,
    detail: str,
    actor: Any,
    document_number: str = "",
) -> list[ProvincialListEntry]:
    """Rename the firm behind ``entry``: every entry of its uscc that carries the same name, and
    its applicant record. The old name is kept as a former name of each entry. Side effects: the
    entries (their saves bump the screening data version), 更名 history events, former names, the
    organisation's name, audit events with old and new values. Call inside a transaction."""
    old_name = entry.name
    siblings = list(
        ProvincialListEntry.objects.select_for_update()
        .select_related("unit")
        .filter(uscc=entry.uscc, name_normalised=entry.name_normalised)
    )
    until = on - dt.timedelta(days=1)
    who = actor if getattr(actor, "pk", None) else None
    for sibling in siblings:
        FormerName.objects.get_or_create(
            entry=sibling,
            name_normalised=normalise_name(old_name),
            defaults={"uscc": sibling.uscc, "name": old_name, "until": until},
        )
        sibling.name = new_name
        sibling.save(update_fields=["name", "name_normalised"])
        RegisterEvent.unscoped.create(
            entry=sibling,
            on=on,
            kind=RegisterEvent.Kind.RENAMED,
            detail=detail,
            old_name=old_name,
            new_name=new_name,
            document_number=document_number,
            actor=who,
        )
        record(
            actor=actor,
            action=Action.REGISTER_ENTRY_RENAMED,
            obj=sibling,
            unit=sibling.unit,
            reason=detail,
            details={
                "entry": _entry_key(sibling),
                "from": {"name": old_name},
                "to": {"name": new_name},
                "effective_on": on.isoformat(),
                "document_number": document_number,
            },
        )
    organisation = Organisation.unscoped.filter(uscc=entry.uscc).first()
    if organisation is not None and organisation.name_normalised == normalise_name(old_name):
        organisation.name = new_name
        organisation.save(update_fields=["name", "name_normalised"])
        record(
            actor=actor,
            action=Action.REGISTER_ENTRY_RENAMED,
            obj=organisation,
            unit=organisation.unit,
            reason="名单单位更名，申报主体名称随之更新",
            details={"from": {"name": old_name}, "to": {"name": new_name}, "effective_on": on.isoformat()},
        )
    return siblings


def summary(
    decided: Iterable[RegisterProposal], *, date: dt.date | None = None, year: int | None = None
) -> register_summary.ProposalSummary:
    """The province's summary of ``decided`` proposals (approved ones are what it sends on)."""
    province = load_province()
    removals: list[register_summary.RemovalRow] = []
    renames: list[register_summary.RenameRow] = []
    for proposal in sorted(decided, key=lambda p: (p.entry.unit.order, p.effective_on, p.pk)):
        entry = proposal.entry
        kind = f"{ListLevel(entry.level).label}{Category(entry.category).label}"
        if proposal.kind == RegisterProposal.Kind.REMOVAL:
            removals.append(
                register_summary.RemovalRow(
                    unit=entry.unit.name,
                    name=entry.name,
                    uscc=entry.uscc,
                    kind=kind,
                    year=entry.year,
                    reason=proposal.reason,
                    effective_on=proposal.effective_on,
                    document_number=proposal.document_number,
                )
            )
        else:
            event = entry.events.filter(kind=RegisterEvent.Kind.RENAMED, new_name=proposal.new_name).first()
            renames.append(
                register_summary.RenameRow(
                    unit=entry.unit.name,
                    old_name=event.old_name if event else "",
                    new_name=proposal.new_name,
                    uscc=entry.uscc,
                    kind=kind,
                    effective_on=proposal.effective_on,
                )
            )
    return register_summary.ProposalSummary(
        province=str(province.get("province", "")),
        bureau=str(province.get("bureau", f"{province.get('province', '')}工业和信息化厅")),
        date=date,
        removals=removals,
        renames=renames,
        year=year,
    )
