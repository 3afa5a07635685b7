"""Rulings on findings that rest on a judgement.

A negative record matched by name alone may name another firm; a record the applicant disputes
may be wrong. The city confirms such a finding, or dismisses it with a reason and an evidence
file; the province sees every dismissal and may reverse it. A record matched by its uscc can only
be dismissed by the province. A ruling is an input of screening: the next run (and the decision
that re-screens first) applies it to the same finding, recognised by its fingerprint.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.actions import can_act_on
from greenlist.campaign.models import Application
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.decisions.transitions import submitted_unit
from greenlist.documents.uploads import UploadRefused, inspect_upload
from greenlist.rules.findings import Finding
from greenlist.screening import verdicts
from greenlist.screening.models import Ruling

EVIDENCE_KINDS = {"pdf", "docx", "png", "jpeg"}
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def by_name(finding: Finding) -> bool:
    """Whether the finding rests on a name-only match (no uscc), which the city may judge."""
    return bool(finding.evidence.get("matched_by_name"))


def rule_on_finding(
    application: Application,
    fingerprint: str,
    *,
    decision: str,
    reason: str,
    actor: User,
    evidence: UploadedFile | None = None,
) -> Ruling:
    """Confirm or dismiss one finding of the application's current verdict. Side effects: one
    ruling (with its evidence file), one audit event; the data version goes up (signals), so the
    verdict is screened again with the ruling applied."""
    reason = reason.strip()
    if decision not in Ruling.Decision.values:
        raise RuleRefused("认定结论无效：只能“确认”或“排除”。")
    if actor.role not in (Role.CITY, Role.PROVINCE, Role.ADMIN) or not can_act_on(actor, application):
        raise NotPermitted("只有申报所属推荐单位或省厅可以对筛查发现作出认定。")
    if not reason:
        raise RuleRefused("作出认定须写明理由。")
    dismissing = decision == Ruling.Decision.DISMISSED
    if dismissing and evidence is None:
        raise RuleRefused("排除一项筛查发现须附证明材料（如法院、市场监管部门出具的证明或核查记录）。")
    if evidence is not None:
        try:  # the same content inspection as every other upload
            inspect_upload(evidence.name or "证明材料", evidence, EVIDENCE_KINDS, EVIDENCE_MAX_BYTES)
        except UploadRefused as refusal:
            raise RuleRefused(str(refusal)) from refusal
    with transaction.atomic():
        current = (
            Application.unscoped.select_for_update()
            .select_related("batch", "organisation", "unit")
            .get(pk=application.pk)
        )
        if actor.role == Role.CITY and submitted_unit(current) is not None:
            raise RuleRefused(f"{current.unit.name}已报送省厅，名单已冻结；如需认定，请联系省厅退回报送。")
        finding = next((f for f in verdicts.decision_findings(current) if f.fingerprint == fingerprint), None)
        if finding is None:
            raise RuleRefused("该筛查发现已不存在（数据已变化），请刷新页面后重试。")
        if dismissing and not by_name(finding) and actor.role == Role.CITY:
            raise NotPermitted(
                f"[{finding.rule}] 该记录按统一社会信用代码匹配，只有省厅可以排除；如有异议，请报省厅认定。"
            )
        if Ruling.objects.filter(
            application=current, fingerprint=fingerprint, reversed_at__isnull=True
        ).exists():
            raise RuleRefused("该筛查发现已有认定；如需改变，请由省厅先撤销原认定。")
        ruling = Ruling(
            application=current,
            rule=finding.rule,
            fingerprint=fingerprint,
            finding_message=finding.message,
            decision=decision,
            reason=reason,
            ruled_by=actor,
            ruled_at=timezone.now(),
        )
        if evidence is not None:
            ruling.evidence.save(evidence.name or "evidence", evidence, save=False)
        ruling.save()
        record(
            actor=actor,
            action=Action.FINDING_RULED,
            obj=current,
            unit=current.unit,
            reason=reason,
            details={
                "rule": finding.rule,
                "finding": finding.message,
                "decision": decision,
                "fingerprint": fingerprint,
                "evidence": ruling.evidence.name or "",
            },
        )
    return ruling


def reverse_ruling(ruling: Ruling, *, reason: str, actor: User) -> Ruling:
    """The province reverses a ruling: the finding counts again as the rules found it."""
    if not actor.is_province:
        raise NotPermitted("只有省厅可以撤销认定。")
    if not reason.strip():
        raise RuleRefused("撤销认定须写明理由。")
    with transaction.atomic():
        current = Ruling.objects.select_for_update().select_related("application__unit").get(pk=ruling.pk)
        if current.reversed_at is not None:
            raise RuleRefused("该认定已被撤销。")
        current.reversed_at, current.reversed_by, current.reversal_reason = (
            timezone.now(),
            actor,
            reason.strip(),
        )
        current.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        record(
            actor=actor,
            action=Action.RULING_REVERSED,
            obj=current.application,
            unit=current.application.unit,
            reason=reason.strip(),
            details={"rule": current.rule, "decision": current.decision, "fingerprint": current.fingerprint},
        )
    return current
