"""The province's selection moves: each one checks who acts, changes what it says in one
transaction and appends its audit event; a refusal raises and changes nothing (a conflict-of-
interest refusal is itself audited, in its own transaction, so the record survives the refusal)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.models import Application, Batch
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.decisions.transitions import transition
from greenlist.documents import stored
from greenlist.documents.uploads import UploadRefused, inspect_upload
from greenlist.rules import conflicts as coi
from greenlist.rules import public_notice as notice_rules
from greenlist.rules import review as review_rules
from greenlist.rules.vocabulary import Category
from greenlist.selection.models import (
    Expert,
    MeetingDecision,
    MeetingKind,
    Objection,
    ObjectionOutcome,
    PublicNotice,
    ReviewAssignment,
    ReviewMeeting,
)

# The states in which the province reviews an application (after the city has recommended it).
REVIEWABLE = frozenset({State.CITY_RECOMMENDED, State.PROVINCE_RECOMMENDED, State.PROVINCE_NOT_RECOMMENDED})
DECISIONS = (State.PROVINCE_RECOMMENDED, State.PROVINCE_NOT_RECOMMENDED)
EVIDENCE_KINDS = {"pdf", "docx", "png", "jpeg"}
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EXPERT_FIELDS = ("name", "field", "organisation", "organisation_uscc", "contact", "unit", "user", "active")


def require_province(actor: User) -> None:
    if not actor.is_province:
        raise NotPermitted("只有省工业和信息化厅可以进行此项操作。")


def data_dir() -> Path:
    return Path(settings.GREENLIST_DATA_DIR)


def sheets_for(batch: Batch) -> review_rules.ReviewSheets:
    return review_rules.sheets_for(data_dir(), batch.province, batch.code)


def notice_parameters() -> notice_rules.NoticeParameters:
    return notice_rules.load_notice_parameters(data_dir() / "public-notice" / "default.yaml")


# Expert pool ---------------------------------------------------------------------------------


def _check_expert_user(user: User | None, expert_pk: int | None) -> None:
    if user is None:
        return
    if user.role != Role.EXPERT:
        raise RuleRefused(
            f"账号“{user.username}”的角色为{user.get_role_display()}，专家须关联“评审专家”角色的账号。"
        )
    others = Expert.unscoped.filter(user=user)
    taken = (others.exclude(pk=expert_pk) if expert_pk is not None else others).first()
    if taken is not None:
        raise RuleRefused(f"账号“{user.username}”已关联专家{taken.name}，一个账号只能关联一位专家。")


def expert_values(expert: Expert) -> dict[str, Any]:
    """The pool entry as the trail keeps it (linked rows by their key)."""
    return {
        name: getattr(expert, f"{name}_id") if name in ("unit", "user") else getattr(expert, name)
        for name in EXPERT_FIELDS
    }


def add_expert(*, actor: User, **fields: Any) -> Expert:
    require_province(actor)
    _check_expert_user(fields.get("user"), None)
    with transaction.atomic():
        expert = Expert.unscoped.create(**{k: v for k, v in fields.items() if k in EXPERT_FIELDS})
        record(
            actor=actor,
            action=Action.EXPERT_ADDED,
            obj=expert,
            details={
                "field": expert.field,
                "organisation": expert.organisation,
                "values": expert_values(expert),
            },
        )
    return expert


def update_expert(expert: Expert, changes: dict[str, Any], *, actor: User) -> Expert:
    require_province(actor)
    _check_expert_user(changes.get("user"), expert.pk)
    with transaction.atomic():
        current = Expert.unscoped.select_for_update().get(pk=expert.pk)
        diff: dict[str, list[str]] = {}
        for name in EXPERT_FIELDS:
            if name in changes and getattr(current, name) != changes[name]:
                diff[name] = [str(getattr(current, name) or ""), str(changes[name] or "")]
                setattr(current, name, changes[name])
        if diff:
            current.save()
            record(actor=actor, action=Action.EXPERT_CHANGED, obj=current, details={"changes": diff})
    return current


# Assignment ----------------------------------------------------------------------------------


def expert_facts(expert: Expert) -> coi.ExpertFacts:
    return coi.ExpertFacts(
        name=expert.name,
        organisation=expert.organisation,
        organisation_uscc=expert.organisation_uscc,
        unit_name=expert.unit.name if expert.unit else "",
    )


def applicant_facts(application: Application) -> coi.ApplicantFacts:
    evaluator = application.evaluator
    return coi.ApplicantFacts(
        organisation=application.organisation.name,
        organisation_uscc=application.organisation.uscc,
        unit_name=application.unit.name,
        evaluator=evaluator.name if evaluator else "",
        evaluator_uscc=evaluator.uscc if evaluator else "",
        evaluator_legal_entity_uscc=evaluator.legal_entity_uscc if evaluator else "",
    )


def assign(application: Application, expert: Expert, *, actor: User) -> ReviewAssignment:
    """Assign ``expert`` to review ``application``. Refused (RuleRefused, with the refusal audited
    and nothing else changed) on a conflict of interest, an inactive expert, or an application
    the province does not review."""
    require_province(actor)
    application = Application.unscoped.select_related("organisation", "unit", "evaluator").get(
        pk=application.pk
    )
    if application.state not in REVIEWABLE:
        raise RuleRefused(
            f"申报当前状态为“{State(application.state).label}”，只有推荐单位已拟推荐的申报才能分配专家评审。"
        )
    if not expert.active:
        raise RuleRefused(f"专家{expert.name}已不在专家库中，请选择其他专家。")
    found = coi.conflicts(expert_facts(expert), applicant_facts(application))
    if found:
        message = "；".join(f"[{c.rule}] {c.message}" for c in found)
        with transaction.atomic():
            # Filed under the expert, not the application: the application's history is read by
            # its applicant and city, who must not learn who was considered to review it.
            record(
                actor=actor,
                action=Action.EXPERT_ASSIGNMENT_REFUSED,
                obj=expert,
                unit=application.unit,
                reason=message,
                details={
                    "application": application.pk,
                    "expert": expert.pk,
                    "rules": [c.rule for c in found],
                    "basis": coi.BASIS,
                },
            )
        raise RuleRefused(
            f"不能分配专家{expert.name}评审“{application.listed_name}”：{message}（依据：{coi.BASIS}）"
        )
    with transaction.atomic():
        assignment, created = ReviewAssignment.unscoped.select_for_update().get_or_create(
            application=application, expert=expert, defaults={"assigned_by": actor}
        )
        if not created and assignment.withdrawn_at is None:
            raise RuleRefused(f"专家{expert.name}已分配评审“{application.listed_name}”。")
        if not created:
            assignment.withdrawn_at = None
            assignment.assigned_by = actor
            assignment.save(update_fields=["withdrawn_at", "assigned_by"])
        record(
            actor=actor,
            action=Action.EXPERT_ASSIGNED,
            obj=assignment,
            unit=application.unit,
            details={"application": application.pk, "expert": expert.pk},
        )
    return assignment


def withdraw(assignment: ReviewAssignment, *, actor: User, reason: str) -> ReviewAssignment:
    require_province(actor)
    if not reason.strip():
        raise RuleRefused("撤回专家分配须填写理由。")
    with transaction.atomic():
        current = (
            ReviewAssignment.unscoped.select_for_update().select_related("application").get(pk=assignment.pk)
        )
        if current.withdrawn_at is not None:
            raise RuleRefused("该分配已撤回。")
        _withdrawn(current, actor=actor, reason=reason, by="province")
    return current


def _withdrawn(current: ReviewAssignment, *, actor: User, reason: str, by: str, **details: Any) -> None:
    """Withdraw a locked assignment and audit it (the province's withdrawal, the expert's recusal)."""
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at"])
    record(
        actor=actor,
        action=Action.EXPERT_ASSIGNMENT_WITHDRAWN,
        obj=current,
        unit=current.application.unit,
        reason=reason.strip(),
        details={"by": by, "application": current.application_id, "expert": current.expert_id, **details},
    )


DECLARATION = (
    "本人承诺：与所评审的申报单位及其第三方评价机构不存在任职、隶属、亲属、经济往来等利益关系，"
    "未参与该申报的评价或咨询工作；评审中如发现存在利益冲突，将立即报告并主动回避。"
)


def _own(assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    current = (
        ReviewAssignment.unscoped.select_for_update()
        .select_related("expert", "application")
        .get(pk=assignment.pk)
    )
    if actor.role != Role.EXPERT or current.expert.user_id != actor.pk or not current.expert.active:
        raise NotPermitted("只有被分配的评审专家本人可以进行此项操作。")
    if current.withdrawn_at is not None:
        raise RuleRefused("该评审分配已撤回，不能再操作。")
    return current


def _require_no_conflict(current: ReviewAssignment) -> None:
    """The conflict check again, on the pool entry as it is now: it may have changed since the
    assignment (on the web or in the admin)."""
    application = Application.unscoped.select_related("organisation", "unit", "evaluator").get(
        pk=current.application_id
    )
    found = coi.conflicts(expert_facts(current.expert), applicant_facts(application))
    if found:
        message = "；".join(f"[{c.rule}] {c.message}" for c in found)
        raise RuleRefused(
            f"存在应回避的情形：{message}（依据：{coi.BASIS}）。请申请回避，或联系省厅撤回分配。"
        )


def recuse(assignment: ReviewAssignment, *, actor: User, reason: str) -> ReviewAssignment:
    """The expert declares a conflict and steps back (申请回避): the assignment is withdrawn, with
    the expert's reason, before any score is given."""
    if not reason.strip():
        raise RuleRefused("请写明需要回避的原因（如任职、亲属或经济往来关系）。")
    with transaction.atomic():
        current = _own(assignment, actor)
        if current.scored_at is not None:
            raise RuleRefused("已提交评分，不能再申请回避；请联系省厅撤回分配。")
        _withdrawn(current, actor=actor, reason=reason, by="expert", conflict_declared=True)
    return current


def declare(assignment: ReviewAssignment, *, actor: User, confirmed: bool) -> ReviewAssignment:
    """The expert's own declaration of no conflict, signed by ticking the confirmation."""
    if not confirmed:
        raise RuleRefused("请勾选“本人确认以上声明属实”后再提交声明；如存在利益冲突，请联系省厅申请回避。")
    with transaction.atomic():
        current = _own(assignment, actor)
        if current.declared_at is not None:
            return current
        _require_no_conflict(current)
        current.declared_at = timezone.now()
        current.declaration = DECLARATION
        current.save(update_fields=["declared_at", "declaration"])
        record(
            actor=actor,
            action=Action.EXPERT_DECLARED,
            obj=current,
            unit=current.application.unit,
            details={"declaration": DECLARATION},
        )
    return current


def score(
    assignment: ReviewAssignment, entered: dict[str, str], *, actor: User, comment: str = ""
) -> ReviewAssignment:
    """Store the expert's sheet. Raises :class:`review_rules.ScoreError` (per item) on bad input."""
    with transaction.atomic():
        current = _own(assignment, actor)
        if current.declared_at is None:
            raise RuleRefused("请先签署无利益冲突声明，再进行评分。")
        _require_no_conflict(current)
        application = Application.unscoped.select_related("batch").get(pk=current.application_id)
        if application.state != State.CITY_RECOMMENDED:
            raise RuleRefused(f"该申报已由省厅作出决定（{State(application.state).label}），评分已截止。")
        sheets = sheets_for(application.batch)
        sheet = sheets.sheet(application.category)
        points = review_rules.validate_scores(sheet, entered)
        previous = (
            {"points": dict(current.points), "total": str(current.total)}
            if current.scored_at is not None
            else None
        )
        current.points = {key: str(value) for key, value in points.items()}
        current.total = review_rules.sheet_total(sheet, points)
        current.sheet_file = sheets.file_name
        current.sheet_version = sheets.version
        current.comment = comment.strip()
        current.scored_at = timezone.now()
        current.save()
        record(
            actor=actor,
            action=Action.EXPERT_SCORED,
            obj=current,
            unit=application.unit,
            details={
                "points": current.points,
                "total": str(current.total),
                "sheet": f"{sheet.title}（第 {sheets.version} 版）",
                "previous": previous,
            },
        )
    return current


@dataclass(frozen=True)
class ResultRow:
    application: Application
    assignments: list[ReviewAssignment]
    aggregate: review_rules.Aggregate


def reviewable(batch: Batch) -> QuerySet[Application]:
    """The applications under the province's review, in the register's order (a page's rows)."""
    return (
        Application.objects.filter(batch=batch, state__in=REVIEWABLE)
        .select_related("organisation", "unit")
        .order_by("unit__order", "category", "submitted_at", "id")
    )


def results(batch: Batch, applications: Iterable[Application] | None = None) -> list[ResultRow]:
    """Every application under the province's review (or only ``applications``, one page of
    them) with its experts and aggregated totals."""
    sheets = sheets_for(batch)
    applications = list(reviewable(batch) if applications is None else applications)
    by_app: dict[int, list[ReviewAssignment]] = defaultdict(list)
    for assignment in ReviewAssignment.objects.filter(
        application__in=[a.pk for a in applications], withdrawn_at=None
    ).select_related("expert"):
        by_app[assignment.application_id].append(assignment)
    rows = []
    for application in applications:
        assigned = by_app[application.pk]
        totals = [a.total for a in assigned if a.total is not None]
        rows.append(
            ResultRow(
                application,
                assigned,
                review_rules.aggregate(
                    totals, trim_at_least=sheets.trim_at_least, spread_threshold=sheets.spread_threshold
                ),
            )
        )
    return rows


# Review meeting --------------------------------------------------------------------------------


def record_meeting(
    batch: Batch, *, actor: User, kind: str, held_on: dt.date, title: str, attendees: str, notes: str = ""
) -> ReviewMeeting:
    require_province(actor)
    if kind not in MeetingKind.values:
        raise RuleRefused("会审形式须为“专题会审”或“部门联审”。")
    if not title.strip() or not attendees.strip():
        raise RuleRefused("请填写会议名称和参会人员。")
    with transaction.atomic():
        meeting = ReviewMeeting.unscoped.create(
            batch=batch,
            kind=kind,
            held_on=held_on,
            title=title.strip(),
            attendees=attendees.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        record(
            actor=actor,
            action=Action.REVIEW_MEETING_RECORDED,
            obj=meeting,
            details={"kind": kind, "held_on": held_on.isoformat(), "attendees": meeting.attendees},
        )
    return meeting


def decide(
    meeting: ReviewMeeting,
    application: Application,
    target: str,
    *,
    actor: User,
    basis: str,
    acknowledge: tuple[str, ...] = (),
) -> MeetingDecision:
    """The meeting's decision on one application, made through the decisions layer (its refusals
    pass through unchanged) with the meeting and the basis as the reason."""
    require_province(actor)
    if target not in DECISIONS:
        raise RuleRefused("会审决定须为“省厅推荐”或“省厅不予推荐”。")
    if not basis.strip():
        raise RuleRefused("请写明会审决定的依据。")
    if application.batch_id != meeting.batch_id:
        raise RuleRefused("该申报不属于本次会审的批次。")
    reason = (
        f"{MeetingKind(meeting.kind).label}（{meeting.held_on:%Y-%m-%d}，{meeting.title}）：{basis.strip()}"
    )
    with transaction.atomic():
        transition(application, target, actor=actor, reason=reason, acknowledge=acknowledge)
        decision = MeetingDecision.unscoped.create(
            meeting=meeting, application=application, target=target, basis=basis.strip()
        )
        record(
            actor=actor,
            action=Action.REVIEW_MEETING_DECISION,
            obj=meeting,
            unit=application.unit,
            reason=reason,
            details={"application": application.pk, "to": target},
        )
    return decision


# 公示 and objections -----------------------------------------------------------------------------


def default_notice_title(batch: Batch) -> str:
    return f"关于{batch.title.removesuffix('推荐')}拟推荐名单的公示"


def notice_entries(batch: Batch) -> list[dict[str, str | int]]:
    """The list as published: name, category and city only (no person, no contact, no uscc)."""
    applications = Application.objects.filter(batch=batch, state=State.PROVINCE_RECOMMENDED).select_related(
        "organisation", "unit"
    )
    return [
        {
            "id": a.pk,
            "name": a.listed_name,
            "category": a.category,
            "category_label": Category(a.category).label,
            "city": a.unit.name,
        }
        for a in sorted(applications, key=lambda a: (a.category, a.unit.order, a.listed_name))
    ]


def publish_notice(
    batch: Batch,
    *,
    actor: User,
    title: str,
    starts_on: dt.date,
    days: int,
    contact: str,
    preamble: str = "",
) -> PublicNotice:
    require_province(actor)
    params = notice_parameters()
    problem = notice_rules.check_days(days, params.min_days, params.max_days) or notice_rules.check_start(
        starts_on, timezone.localdate()
    )
    if problem:
        raise RuleRefused(problem)
    if not title.strip() or not contact.strip():
        raise RuleRefused("请填写公示标题和联系处室及电话。")
    entries = notice_entries(batch)
    if not entries:
        raise RuleRefused("本批次尚无“省厅推荐”的申报，没有可公示的名单。请先通过会审作出推荐决定。")
    with transaction.atomic():
        notice = PublicNotice.unscoped.create(
            batch=batch,
            title=title.strip(),
            preamble=preamble.strip(),
            starts_on=starts_on,
            days=days,
            ends_on=notice_rules.period_end(starts_on, days),
            contact=contact.strip(),
            entries=entries,
            published_by=actor,
        )
        record(
            actor=actor,
            action=Action.NOTICE_PUBLISHED,
            obj=notice,
            details={
                "batch": batch.code,
                "starts_on": starts_on.isoformat(),
                "ends_on": notice.ends_on.isoformat(),
                "days": days,
                "entries": len(entries),
            },
        )
    return notice


def add_objection(
    notice: PublicNotice,
    *,
    actor: User,
    application_id: int,
    name: str,
    contact: str,
    statement: str,
    received_on: dt.date,
    evidence_name: str = "",
    evidence: bytes | IO[bytes] | None = None,
) -> Objection:
    """Enter a real-name written objection received during the period. The evidence, when given,
    passes the upload checks on its content first."""
    require_province(actor)
    notice = PublicNotice.unscoped.get(pk=notice.pk)  # finalised since the caller read it?
    listed = {int(e["id"]): str(e["name"]) for e in notice.entries}
    if application_id not in listed:
        raise RuleRefused("异议对象须为本次公示名单中的单位，请从名单中选择。")
    if not (name.strip() and contact.strip() and statement.strip()):
        raise RuleRefused("异议须实名书面提出：请填写异议人姓名（或单位）、联系方式和书面异议内容。")
    if notice.finalised_at is not None:
        raise RuleRefused("该公示已形成最终名单，不能再登记异议。")
    if not notice.starts_on <= received_on <= notice.ends_on:
        raise RuleRefused(
            f"收到日期 {received_on:%Y-%m-%d} 不在公示期（{notice.starts_on:%Y-%m-%d} 至 "
            f"{notice.ends_on:%Y-%m-%d}）内：逾期提出的异议不予受理，如系录入错误请更正收到日期。"
        )
    detected = ""
    if evidence is not None:
        try:
            detected = inspect_upload(evidence_name, evidence, EVIDENCE_KINDS, EVIDENCE_MAX_BYTES)
        except UploadRefused as refusal:
            raise RuleRefused(f"证明材料未通过检查：{refusal}") from refusal
    with transaction.atomic():
        # The notice's lock orders this against producing the final list (which takes it too).
        if PublicNotice.unscoped.select_for_update().get(pk=notice.pk).finalised_at is not None:
            raise RuleRefused("该公示已形成最终名单，不能再登记异议。")
        objection = Objection(
            notice=notice,
            application_id_listed=application_id,
            listed_name=listed[application_id],
            name=name.strip(),
            contact=contact.strip(),
            statement=statement.strip(),
            received_on=received_on,
            entered_by=actor,
        )
        if evidence is not None:
            content = stored.as_file(evidence)
            digest, _ = stored.digest(content)
            objection.evidence.save(f"{digest[:16]}.{detected}", content, save=False)
            objection.evidence_name = evidence_name[:200]
            objection.evidence_type = detected
        objection.save()
        record(
            actor=actor,
            action=Action.OBJECTION_RECEIVED,
            obj=objection,
            details={"notice": notice.pk, "application": application_id, "evidence": detected},
        )
    return objection


def close_objection(objection: Objection, *, actor: User, outcome: str, text: str) -> Objection:
    require_province(actor)
    if outcome not in ObjectionOutcome.values:
        raise RuleRefused("请选择处理结果：异议成立或异议不成立。")
    if not text.strip():
        raise RuleRefused("请写明处理意见（核查情况及结论）。")
    with transaction.atomic():
        current = Objection.unscoped.select_for_update().get(pk=objection.pk)
        if current.closed_at is not None:
            raise RuleRefused("该异议已办结。")
        current.outcome = outcome
        current.outcome_text = text.strip()
        current.closed_at = timezone.now()
        current.closed_by = actor
        current.save()
        record(
            actor=actor,
            action=Action.OBJECTION_CLOSED,
            obj=current,
            reason=current.outcome_text,
            details={"outcome": outcome, "application": current.application_id_listed},
        )
    return current


def gate(notice: PublicNotice, today: dt.date | None = None) -> notice_rules.Gate:
    open_count = Objection.unscoped.filter(notice=notice, closed_at__isnull=True).count()
    return notice_rules.final_list_gate(
        today=today or timezone.localdate(), end=notice.ends_on, open_objections=open_count
    )


def final_entries(notice: PublicNotice) -> list[dict[str, Any]]:
    """The published list without the entries an upheld objection removed."""
    removed = set(
        Objection.unscoped.filter(notice=notice, outcome=ObjectionOutcome.UPHELD).values_list(
            "application_id_listed", flat=True
        )
    )
    return [dict(e) for e in notice.entries if int(e["id"]) not in removed]


def _require_gate(notice: PublicNotice, today: dt.date | None) -> None:
    verdict = gate(notice, today)
    if not verdict.open:
        raise RuleRefused("暂不能形成最终名单：" + "".join(verdict.reasons))


def produce_final_list(
    notice: PublicNotice, *, actor: User, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Produce the final list, once the gate opens (the province's explicit action, a POST): the
    first production sets ``finalised_at`` and is audited; producing it again changes nothing."""
    require_province(actor)
    _require_gate(notice, today)
    with transaction.atomic():
        # Checked again under the notice's lock (which entering an objection takes too): an
        # objection entered since the first check blocks the list.
        current = PublicNotice.unscoped.select_for_update().get(pk=notice.pk)
        _require_gate(current, today)
        entries = final_entries(current)
        if current.finalised_at is None:
            current.finalised_at = timezone.now()
            current.save(update_fields=["finalised_at"])
            record(
                actor=actor,
                action=Action.FINAL_LIST_PRODUCED,
                obj=current,
                details={"entries": len(entries), "removed": len(current.entries) - len(entries)},
            )
    return entries


def produced_final_list(notice: PublicNotice, *, actor: User) -> list[dict[str, Any]]:
    """The final list already produced, for download; reads only (a GET never produces it)."""
    require_province(actor)
    current = PublicNotice.unscoped.get(pk=notice.pk)
    if current.finalised_at is None:
        raise RuleRefused(
            "最终名单尚未形成：请先形成最终名单（公示期满且异议均已办结后，在本页点击“形成最终名单”）。"
        )
    return final_entries(current)
