"""Two-sided engagements: an applicant's choice of a third-party evaluator is a request the
evaluator accepts or declines; only an accepted engagement is one of its projects (V3); the
no-result-promise declaration (V4) is signed on the accepted engagement, with its full text.

Each decision runs in one transaction with one audit event; a refusal changes nothing."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.evaluator_cap import lock_entity
from greenlist.campaign.models import Application, Engagement
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import NotPermitted, RuleRefused, cited
from greenlist.registry.models import Evaluator
from greenlist.rules.datafiles import read_yaml
from greenlist.rules.vocabulary import Category
from greenlist.screening import verdicts

# An evaluator may still decline or sign while the application has not reached a city decision.
OPEN_STATES = frozenset({State.DRAFT, State.RETURNED, State.SUBMITTED, State.CITY_REVIEW})


@cache
def declaration_source() -> dict[str, Any]:
    path = Path(settings.GREENLIST_DATA_DIR) / "reference" / "no-result-declaration.yaml"
    data: dict[str, Any] = read_yaml(path)
    return data


def declaration_text(engagement: Engagement) -> str:
    """The declaration's full text for this engagement, as shown and as stored when signed."""
    source = declaration_source()
    application = engagement.application
    values = {
        "organisation": application.organisation.name,
        "category": Category(application.category).label,
        "batch": application.batch.title,
        "evaluator": engagement.evaluator.name,
        "uscc": engagement.evaluator.uscc,
    }
    return "\n".join(str(p).format(**values) for p in source["paragraphs"])


def current_engagement(application: Application) -> Engagement | None:
    """The engagement of the evaluator the application names now (``None`` for self-evaluation)."""
    if application.evaluator_id is None:
        return None
    return Engagement.unscoped.filter(application=application, evaluator_id=application.evaluator_id).first()


def engagement_to_sign(application: Application, *, actor: User) -> Engagement:
    """The engagement a declaration on ``application`` is signed on. An application that named its
    evaluator before engagements existed (no row) stands as accepted: its row is made here, and
    the signature's audit event records it."""
    engagement = current_engagement(application)
    if engagement is not None:
        return engagement
    if application.evaluator_id is None or actor.evaluator_id != application.evaluator_id:
        raise NotPermitted("只有承担该项目评价的第三方机构可以签署此声明。")
    now = timezone.now()
    engagement, _ = Engagement.unscoped.get_or_create(
        application=application,
        evaluator_id=application.evaluator_id,
        defaults={
            "status": Engagement.Status.ACCEPTED,
            "requested_at": now,
            "decided_at": now,
            "source": "legacy",
            "declaration_signed_at": now if application.no_result_promise else None,
        },
    )
    return engagement


def request_engagement(
    application: Application, evaluator: Evaluator, *, actor: User, source: str = "form"
) -> Engagement:
    """Within the caller's transaction: the application now names ``evaluator``. From the
    applicant's form this is a request the evaluator must accept; from the city's workbook it is
    accepted at once (the city vouches for the sheet), its declaration taken from the sheet's
    无结果承诺声明 column. Side effects: the engagement row, one audit event."""
    now = timezone.now()
    vouched = source == "import"
    engagement, created = Engagement.unscoped.select_for_update().get_or_create(
        application=application,
        evaluator=evaluator,
        defaults={"requested_at": now, "requested_by": actor, "source": source},
    )
    if not created and engagement.status == Engagement.Status.ACCEPTED:
        return engagement
    engagement.status = Engagement.Status.ACCEPTED if vouched else Engagement.Status.REQUESTED
    engagement.requested_at, engagement.requested_by, engagement.source = now, actor, source
    engagement.decided_at = now if vouched else None
    engagement.decided_by = actor if vouched else None
    engagement.reason = ""
    if vouched and application.no_result_promise and engagement.declaration_signed_at is None:
        engagement.declaration_signed_at = now
    engagement.save()
    record(
        actor=actor,
        action=Action.ENGAGEMENT_ACCEPTED if vouched else Action.ENGAGEMENT_REQUESTED,
        obj=engagement,
        unit=application.unit,
        reason="推荐单位导入申报，视为已接受委托" if vouched else "",
        details={"application": application.pk, "evaluator": evaluator.name, "status": engagement.status},
    )
    return engagement


def _locked(engagement: Engagement, actor: User) -> Engagement:
    current = (
        Engagement.unscoped.select_for_update()
        .select_related("application__organisation", "application__unit", "application__batch", "evaluator")
        .get(pk=engagement.pk)
    )
    if actor.role != Role.EVALUATOR or actor.evaluator_id != current.evaluator_id:
        raise NotPermitted("只有被委托的第三方评价机构本身可以处理此委托。")
    return current


def _refuse_unless_current(current: Engagement) -> None:
    if current.application.evaluator_id != current.evaluator_id:
        raise RuleRefused("申报单位已改选其他评价机构，此委托已失效。")
    if current.application.state not in OPEN_STATES:
        raise RuleRefused(
            f"申报当前状态为“{State(current.application.state).label}”，推荐单位已作出决定，不能再处理此委托。"
        )


def accept_engagement(engagement: Engagement, *, actor: User) -> Engagement:
    """The evaluator accepts. Refused while it may not take the project (V1, V2) or its legal
    entity's accepted projects already fill the cap (V3)."""
    with transaction.atomic():
        current = _locked(engagement, actor)
        if current.status == Engagement.Status.ACCEPTED:
            raise RuleRefused("该委托已接受，无需重复操作。")
        _refuse_unless_current(current)
        lock_entity(current.evaluator)
        refusal = verdicts.evaluator_standing(
            current.application.batch, current.evaluator, exclude=current.application_id
        )
        if refusal:
            raise RuleRefused(f"不能接受此委托：{cited(refusal)}。", refusal)
        current.status = Engagement.Status.ACCEPTED
        current.decided_at, current.decided_by, current.reason = timezone.now(), actor, ""
        current.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        record(
            actor=actor,
            action=Action.ENGAGEMENT_ACCEPTED,
            obj=current,
            unit=current.application.unit,
            details={
                "application": current.application_id,
                "organisation": current.application.organisation.name,
            },
        )
    return current


def decline_engagement(engagement: Engagement, *, actor: User, reason: str) -> Engagement:
    """The evaluator declines, with a reason the applicant reads; a signed declaration lapses."""
    reason = reason.strip()
    with transaction.atomic():
        current = _locked(engagement, actor)
        if current.status == Engagement.Status.DECLINED:
            raise RuleRefused("该委托已拒绝，无需重复操作。")
        if not reason:
            raise RuleRefused("拒绝委托须填写理由（申报单位将看到该理由，以便另选机构）。")
        _refuse_unless_current(current)
        previous = current.status
        current.status = Engagement.Status.DECLINED
        current.decided_at, current.decided_by, current.reason = timezone.now(), actor, reason
        current.declaration_signed_at = None
        current.save(update_fields=["status", "decided_at", "decided_by", "reason", "declaration_signed_at"])
        application = current.application
        if application.no_result_promise:
            application.no_result_promise = False
            application.version += 1
            application.save(update_fields=["no_result_promise", "version", "updated_at"])
        record(
            actor=actor,
            action=Action.ENGAGEMENT_DECLINED,
            obj=current,
            unit=application.unit,
            reason=reason,
            details={"application": application.pk, "from": previous},
        )
    return current


def sign_declaration(engagement: Engagement, *, actor: User, confirmed: bool) -> Engagement:
    """The evaluator signs the V4 declaration for this engagement after reading its full text and
    ticking the confirmation. Side effects: the signature and the text signed on the engagement,
    the application's 无结果承诺声明 set (the fact V4 reads), one audit event."""
    with transaction.atomic():
        current = _locked(engagement, actor)
        if current.status != Engagement.Status.ACCEPTED:
            raise RuleRefused("须先接受委托，才能签署该项目的无结果承诺声明。")
        _refuse_unless_current(current)
        if current.declaration_signed_at is not None:
            raise RuleRefused("该项目的无结果承诺声明已签署。")
        if not confirmed:
            raise RuleRefused("请阅读声明全文并勾选“本机构已阅读并承诺遵守上述声明”后再签署。")
        text = declaration_text(current)
        current.declaration_signed_at, current.declaration_signed_by = timezone.now(), actor
        current.declaration_text = text
        current.save(update_fields=["declaration_signed_at", "declaration_signed_by", "declaration_text"])
        application = Application.unscoped.select_for_update().get(pk=current.application_id)
        application.no_result_promise = True
        application.version += 1
        application.save(update_fields=["no_result_promise", "version", "updated_at"])
        record(
            actor=actor,
            action=Action.DECLARATION_SIGNED,
            obj=current,
            unit=application.unit,
            details={
                "application": application.pk,
                "version": declaration_source().get("version"),
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
    return current
