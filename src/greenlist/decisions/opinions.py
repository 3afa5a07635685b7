"""Department opinions per company: on its city's draft list a department records, for each
application, 同意 or 不同意 with its text, the reply letter's 文号 and the letter (复函) itself;
the city records how it handled each 不同意. An unhandled 不同意 blocks the unit's submission
(C1, through ``screening.facts.unit_facts``). Each decision is one transaction, one audit event."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.models import Application, CompanyOpinion, UnitSubmission
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.documents.uploads import UploadRefused, inspect_upload
from greenlist.rules.vocabulary import Department

LETTER_KINDS = {"pdf", "docx", "doc", "png", "jpeg"}
LETTER_MAX_BYTES = 20 * 1024 * 1024


def _refuse_if_frozen(application: Application) -> None:
    submission = UnitSubmission.unscoped.filter(
        batch_id=application.batch_id, unit_id=application.unit_id, submitted_at__isnull=False
    ).first()
    if submission is not None and submission.submitted_at is not None:
        raise RuleRefused(
            f"{application.unit.name}已于 {timezone.localtime(submission.submitted_at):%Y-%m-%d %H:%M} "
            "报送省厅，名单与意见已冻结；如需修改，请联系省厅退回报送。"
        )


def record_company_opinion(
    application: Application,
    *,
    department: str,
    agrees: bool,
    opinion: str,
    document_number: str,
    actor: User,
    letter: UploadedFile | None = None,
) -> CompanyOpinion:
    """The department's opinion on one application of the draft list (the department itself, or
    the city on its behalf when the opinion arrived as a letter). 不同意 needs its reasons."""
    opinion, document_number = opinion.strip(), document_number.strip()
    if department not in {d.value for d in Department}:
        raise RuleRefused("部门无效。")
    allowed = (actor.role == Role.DEPARTMENT and actor.department == department) or actor.role == Role.CITY
    if not allowed or actor.unit_id != application.unit_id:
        raise NotPermitted("只有本推荐单位或该部门本身可以记录对本单位申报的意见。")
    if not agrees and not opinion:
        raise RuleRefused("不同意推荐须写明意见（理由），推荐单位据此处理。")
    if len(document_number) > 60:
        raise RuleRefused("文号过长（不超过60字）。")
    if letter is not None:
        try:
            inspect_upload(letter.name or "复函", letter, LETTER_KINDS, LETTER_MAX_BYTES)
        except UploadRefused as refusal:
            raise RuleRefused(f"复函未保存：{refusal}") from refusal
    with transaction.atomic():
        current = Application.unscoped.select_for_update().select_related("unit").get(pk=application.pk)
        _refuse_if_frozen(current)
        if current.state != State.CITY_RECOMMENDED:
            raise RuleRefused(
                f"“{current.organisation.name}”当前为“{State(current.state).label}”，不在拟推荐名单中，无需提出意见。"
            )
        existing = (
            CompanyOpinion.unscoped.select_for_update()
            .filter(application=current, department=department)
            .first()
        )
        opinion_row = existing or CompanyOpinion(application=current, department=department)
        previous = (
            {
                "agrees": existing.agrees,
                "opinion": existing.opinion,
                "document_number": existing.document_number,
            }
            if existing
            else None
        )
        opinion_row.agrees, opinion_row.opinion = agrees, opinion
        opinion_row.document_number = document_number
        opinion_row.recorded_by, opinion_row.recorded_at = actor, timezone.now()
        if existing is not None and previous != {
            "agrees": agrees,
            "opinion": opinion,
            "document_number": document_number,
        }:
            # A changed opinion is a new one: how the city handled the old one no longer answers it.
            opinion_row.handling, opinion_row.handled_by, opinion_row.handled_at = "", None, None
        if letter is not None:
            letter.seek(0)
            digest = hashlib.sha256()
            for chunk in letter.chunks():
                digest.update(chunk)
            letter.seek(0)
            opinion_row.letter_sha256 = digest.hexdigest()
            opinion_row.letter_name = (letter.name or "复函")[:200]
            opinion_row.letter.save(letter.name or "letter", letter, save=False)
        opinion_row.save()
        record(
            actor=actor,
            action=Action.COMPANY_OPINION_RECORDED,
            obj=opinion_row,
            unit=current.unit,
            reason=opinion,
            details={
                "application": current.pk,
                "department": department,
                "agrees": agrees,
                "document_number": document_number,
                "letter_sha256": opinion_row.letter_sha256 or None,
                "previous": previous,
            },
        )
    return opinion_row


def record_company_handling(opinion: CompanyOpinion, *, handling: str, actor: User) -> CompanyOpinion:
    """The city records how it handled a department's 不同意 on one company."""
    handling = handling.strip()
    with transaction.atomic():
        current = (
            CompanyOpinion.unscoped.select_for_update()
            .select_related("application__unit", "application__organisation")
            .get(pk=opinion.pk)
        )
        if actor.role != Role.CITY or actor.unit_id != current.application.unit_id:
            raise NotPermitted("只有本推荐单位可以记录对部门意见的处理情况。")
        if current.agrees:
            raise RuleRefused("该部门同意推荐，无需记录处理情况。")
        if not handling:
            raise RuleRefused("请填写处理情况（如已调整名单、已说明理由或已复核）。")
        _refuse_if_frozen(current.application)
        previous = current.handling
        current.handling, current.handled_by, current.handled_at = handling, actor, timezone.now()
        current.save(update_fields=["handling", "handled_by", "handled_at"])
        record(
            actor=actor,
            action=Action.COMPANY_OPINION_HANDLED,
            obj=current,
            unit=current.application.unit,
            reason=handling,
            details={
                "application": current.application_id,
                "department": current.department,
                "handling": {"from": previous, "to": handling},
            },
        )
    return current
