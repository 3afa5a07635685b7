"""From a filing's audit to the register: the city proposes removing or renaming the filing's unit.

The proposal itself is the register's (``greenlist.registry.proposals.propose``: authority, audit
trail, the province's approval and, once approved, E3). This module only links it to the filing
it came from and prefills the form from what the audit found: the flags (DM1–DM4), the on-site
check's findings and, for a declared name change, the new name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.dynamic.models import Filing, FilingState, OnSiteCheck
from greenlist.registry import proposals as register
from greenlist.registry.models import RegisterProposal
from greenlist.rules.findings import Finding
from greenlist.rules.vocabulary import ListStatus
from greenlist.scoping import unscoped


@dataclass(frozen=True)
class Prefill:
    kind: str
    reason: str
    effective_on: dt.date
    new_name: str


def may_propose(user: User, filing: Filing) -> bool:
    """The filing's city, once the filing is handed in and while its unit is still listed."""
    return (
        user.role == Role.CITY
        and user.unit_id is not None
        and user.unit_id == filing.unit_id
        and filing.state != FilingState.DRAFT
        and filing.entry.status == ListStatus.ACTIVE
    )


def of_filing(filing: Filing) -> QuerySet[RegisterProposal]:
    with unscoped():
        return RegisterProposal.objects.filter(filing=filing).select_related("proposed_by", "decided_by")


def prefill(filing: Filing, flags: list[Finding], today: dt.date | None = None) -> Prefill:
    """What the proposal form starts from: a rename when the unit declared a new name (DM4),
    else a removal; the reason from the flags and the recorded on-site findings."""
    new_name = (
        str(filing.values.get("new_name", "")).strip() if filing.values.get("name_changed") == "是" else ""
    )
    parts = [f"{filing.cycle_year}年度动态管理审核发现："]
    parts += [f"{index}. {flag.message}（{flag.rule}）" for index, flag in enumerate(flags, start=1)]
    with unscoped():
        checks = OnSiteCheck.objects.filter(filing=filing, state=OnSiteCheck.State.DONE).order_by(
            "recorded_at"
        )
        findings = [(c.due_on, c.findings.strip()) for c in checks if c.findings.strip()]
    parts += [f"现场核查（{day:%Y-%m-%d}）：{text}" for day, text in findings]
    reason = "\n".join(parts) if len(parts) > 1 else ""
    return Prefill(
        kind=RegisterProposal.Kind.RENAME if new_name else RegisterProposal.Kind.REMOVAL,
        reason=reason[: register.REASON_MAX],
        effective_on=today or timezone.localdate(),
        new_name=new_name,
    )


def propose(
    filing: Filing,
    *,
    kind: str,
    reason: str,
    effective_on: dt.date | None,
    new_name: str = "",
    actor: User,
) -> RegisterProposal:
    """The city proposes a removal or rename of the filing's unit, linked to the filing. Raises
    the register's refusals (``ProposalRefused``: 403/409/422) like its other doors."""
    with unscoped():
        current = Filing.objects.select_related("entry", "entry__unit").get(pk=filing.pk)
    if actor.role != Role.CITY or actor.unit_id != current.unit_id:
        raise register.Forbidden("只有该名单单位所属设区市的工业和信息化主管部门可以据此提出调整建议。")
    if current.state == FilingState.DRAFT:
        raise register.Conflict("该动态管理表尚未提交，不能据此提出调整建议。")
    return register.propose(
        entry=current.entry,
        kind=kind,
        reason=reason,
        effective_on=effective_on,
        new_name=new_name,
        actor=actor,
        filing=current,
    )
