"""待办: what each role has to do next, by when, each item linking to the page that does it.

Built from the same records and stored verdicts the work pages read, and the deadline from
``campaign.deadline`` (the one source every page uses)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from greenlist.accounts.models import ClaimState, OrganisationClaim, Role, User
from greenlist.campaign.deadline import Deadline, batch_deadline, unit_deadline
from greenlist.campaign.models import (
    Application,
    Attachment,
    Batch,
    CompanyOpinion,
    Consultation,
    Engagement,
    ExperienceReport,
    UnitSubmission,
)
from greenlist.campaign.workflow import EDITABLE_STATES, RECOMMENDED_STATES, State
from greenlist.registry.models import RecommendingUnit
from greenlist.rules.vocabulary import Category, Department, Effect, Method
from greenlist.screening import verdicts
from greenlist.screening.facts import departments_opining_on_every_company
from greenlist.screening.models import Ruling


@dataclass(frozen=True)
class Todo:
    """One thing to do: what, why or how many, and the page that does it."""

    title: str
    url: str
    action: str = "去办理"
    detail: str = ""
    count: int | None = None
    urgent: bool = False
    lines: tuple[str, ...] = ()  # a checklist: what is still missing


@dataclass
class Home:
    role_label: str
    deadline: Deadline | None = None
    deadline_label: str = "报送截止"
    items: list[Todo] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) shown as tiles
    done: list[str] = field(default_factory=list)  # what is finished or waiting on others


def _url(name: str, *args: object, query: str = "", anchor: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


# --- applicant ---------------------------------------------------------------------------------


def _engagement_lines(application: Application, engagements: dict[int, Engagement]) -> list[str]:
    if application.method != Method.THIRD_PARTY:
        return []
    if application.evaluator is None:
        return ["选择第三方评价机构（第三方评价须选择机构）"]
    engagement = engagements.get(application.pk)
    name = application.evaluator.name
    if engagement is None or engagement.status == Engagement.Status.ACCEPTED:
        if engagement is not None and engagement.declaration_signed_at is None:
            return [f"等待{name}签署本项目的无结果承诺声明（可提醒机构在其待办中签署）"]
        return []
    if engagement.status == Engagement.Status.REQUESTED:
        return [f"等待{name}确认接受委托（机构接受后方计入其项目数）"]
    return [f"{name}已拒绝委托（理由：{engagement.reason}），请改选其他机构或改为自评价"]


def applicant_home(user: User, batch: Batch) -> Home:
    organisation = user.organisation
    home = Home(role_label="申报单位")
    if organisation is None:
        return home
    home.deadline = unit_deadline(batch, organisation.unit)
    home.deadline_label = f"{organisation.unit.name}报送省厅截止"
    applications = list(
        Application.objects.filter(batch=batch, organisation=organisation).select_related("evaluator")
    )
    if not applications:
        home.items.append(
            Todo("新建申报", _url("application_new"), "新建申报", "本批次尚未创建申报：选择申报类别后填写。")
        )
        return home
    ids = [a.pk for a in applications]
    screened = verdicts.stored(batch, ids=ids).result.by_key()
    engagements = {
        e.application_id: e
        for e in Engagement.objects.filter(application__in=ids)
        if e.evaluator_id == next(a.evaluator_id for a in applications if a.pk == e.application_id)
    }
    with_report = set(
        ExperienceReport.objects.filter(application__in=ids).values_list("application_id", flat=True)
    )
    with_report |= set(
        Attachment.objects.filter(application__in=ids, kind=Attachment.Kind.EXPERIENCE_REPORT).values_list(
            "application_id", flat=True
        )
    )
    for application in applications:
        label = Category(application.category).label
        if application.state in EDITABLE_STATES:
            lines: list[str] = []
            if application.score is None:
                lines.append("填写评价得分（可在“评价指标”页按指标计算）")
            lines += _engagement_lines(application, engagements)
            if application.pk not in with_report:
                lines.append("填写或上传典型经验报告（附件2）")
            item = screened.get(str(application.pk))
            for finding in item.findings if item else ():
                if finding.excludes or (finding.effect is Effect.BLOCK and not finding.dismissed):
                    lines.append(f"{finding.message}（依据：{finding.clause}）")
            returned = application.state == State.RETURNED
            home.items.append(
                Todo(
                    f"{'按退回意见修改后重新提交' if returned else '完成并提交'}：{label}申报",
                    _url("application_detail", application.pk),
                    "修改申报" if returned else "继续填写",
                    "推荐单位已退回，请按意见修改。" if returned else "草稿尚未提交至推荐单位。",
                    urgent=home.deadline.days_left < 7,
                    lines=tuple(lines),
                )
            )
        else:
            waiting = _engagement_lines(application, engagements)
            home.done.append(
                f"{label}申报：{application.state_label}"
                + (f"；{waiting[0]}" if waiting else "")
                + ("（如需修改，请联系推荐单位退回）" if application.state == State.SUBMITTED else "")
            )
    return home


# --- evaluator ---------------------------------------------------------------------------------


def evaluator_home(user: User, batch: Batch) -> Home:
    # No deadline line: an evaluator's projects answer to their units' deadlines, each shown to
    # the applicant and the city.
    home = Home(role_label="第三方评价机构")
    evaluator = user.evaluator
    if evaluator is None:
        return home
    engagements = list(
        Engagement.objects.filter(application__batch=batch, evaluator=evaluator).select_related(
            "application__organisation", "application__unit"
        )
    )
    current = [e for e in engagements if e.application.evaluator_id == e.evaluator_id]
    requested = [e for e in current if e.status == Engagement.Status.REQUESTED]
    unsigned = [
        e for e in current if e.status == Engagement.Status.ACCEPTED and e.declaration_signed_at is None
    ]
    if requested:
        home.items.append(
            Todo(
                "确认委托请求",
                _url("evaluator_home", anchor="requests"),
                "逐项接受或拒绝",
                "申报单位选择了本机构，接受后计入本机构项目数（同一法人不超过上限）。",
                count=len(requested),
                lines=tuple(
                    f"{e.application.organisation.name}（{e.application.unit.name}）" for e in requested
                ),
            )
        )
    if unsigned:
        home.items.append(
            Todo(
                "签署无结果承诺声明",
                _url("evaluator_home", anchor="declarations"),
                "阅读全文并签署",
                "每个已接受的项目须分别签署；未签署的第三方评价申报不得推荐。",
                count=len(unsigned),
                urgent=True,
                lines=tuple(e.application.organisation.name for e in unsigned),
            )
        )
    accepted = sum(1 for e in current if e.status == Engagement.Status.ACCEPTED)
    home.facts.append(("已接受委托的项目", f"{accepted} 项"))
    home.facts.append(("同一法人项目上限", f"{batch.parameters.evaluator_cap} 项"))
    return home


# --- city and department -----------------------------------------------------------------------


def _unit_dissent(batch: Batch, unit: RecommendingUnit) -> int:
    listed = Consultation.unscoped.filter(batch=batch, unit=unit, agrees=False, handling="").count()
    company = CompanyOpinion.unscoped.filter(
        application__batch=batch, application__unit=unit, agrees=False, handling=""
    ).count()
    return listed + company


def city_home(user: User, batch: Batch) -> Home:
    unit = user.unit
    home = Home(role_label="推荐单位")
    if unit is None:
        return home
    submission = UnitSubmission.unscoped.filter(batch=batch, unit=unit).first()
    home.deadline = deadline = unit_deadline(batch, unit, submission=submission)
    states = Counter(Application.unscoped.filter(batch=batch, unit=unit).values_list("state", flat=True))
    frozen = deadline.submitted
    if states[State.SUBMITTED] and not frozen:
        home.items.append(
            Todo(
                "受理已提交的申报",
                _url("bulk_applications", query="action=accept"),
                "批量受理",
                "受理后进入审核；材料不全的可逐项退回修改。",
                count=states[State.SUBMITTED],
            )
        )
    stored = verdicts.stored(batch, unit_names=[unit.name])
    open_states = {State.SUBMITTED, State.CITY_REVIEW}
    open_ids = set(
        Application.unscoped.filter(batch=batch, unit=unit, state__in=open_states).values_list(
            "pk", flat=True
        )
    )
    to_rule = [
        item
        for item in stored.result.applications
        if int(item.key) in open_ids
        and any(f.effect in (Effect.EXCLUDE, Effect.WARN) and not f.ruling for f in item.findings)
    ]
    if to_rule and not frozen:
        home.items.append(
            Todo(
                "核实筛查发现",
                _url("screening", query="show=attention"),
                "查看并认定",
                "对依名称匹配或有争议的发现作出确认或排除（排除须写明理由并附证明材料）。",
                count=len(to_rule),
            )
        )
    if states[State.CITY_REVIEW] and not frozen:
        home.items.append(
            Todo(
                "审核并决定拟推荐",
                _url("ranking"),
                "按排名推荐",
                "按排名在名额内设为拟推荐；不予推荐的须写明理由。",
                count=states[State.CITY_REVIEW],
            )
        )
    consulted = set(Consultation.unscoped.filter(batch=batch, unit=unit).values_list("department", flat=True))
    consulted |= departments_opining_on_every_company(batch).get(unit.pk, set())
    missing = [d.label for d in Department if d.value not in consulted]
    if missing and not frozen:
        home.items.append(
            Todo(
                "征求部门意见",
                _url("unit_home", anchor="consultation"),
                "查看意见",
                f"尚缺：{'、'.join(missing)}（报送前须取得三个部门对名单的意见；部门逐项意见覆盖全部拟推荐企业的，视为已提出）。",
                count=len(missing),
            )
        )
    dissent = _unit_dissent(batch, unit)
    if dissent and not frozen:
        home.items.append(
            Todo(
                "处理部门的不同意意见",
                _url("company_opinions"),
                "记录处理情况",
                "每条不同意意见须记录处理情况后方可报送。",
                count=dissent,
                urgent=True,
            )
        )
    claims = OrganisationClaim.objects.filter(organisation__unit=unit, state=ClaimState.PENDING).count()
    if claims:
        home.items.append(Todo("确认企业注册账号", _url("unit_registrations"), "去确认", count=claims))
    quota = stored.result.quotas[0] if stored.result.quotas else None
    recommended = Application.unscoped.filter(
        batch=batch, unit=unit, category=Category.FACTORY, state__in=RECOMMENDED_STATES
    ).count()
    if not frozen:
        from greenlist.decisions.submission import submission_blockers

        blockers = submission_blockers(batch, unit)
        home.items.append(
            Todo(
                "报送省厅",
                _url("unit_home", anchor="submit"),
                "查看报送条件" if blockers else "报送",
                f"尚有 {len(blockers)} 项须先处理。"
                if blockers
                else "报送条件已满足，确认后报送（报送后名单冻结）。",
                urgent=deadline.days_left < 3,
            )
        )
    else:
        home.done.append(deadline.summary + "；如需修改，请联系省厅退回。")
    if quota is not None:
        home.facts.append(("绿色工厂名额剩余", f"{max(0, quota.quota - recommended)} / {quota.quota}"))
    home.facts.append(("待受理", f"{states[State.SUBMITTED]} 项"))
    home.facts.append(("审核中", f"{states[State.CITY_REVIEW]} 项"))
    return home


def department_home(user: User, batch: Batch) -> Home:
    unit = user.unit
    department = user.department
    label = Department(department).label if department in {d.value for d in Department} else "部门"
    home = Home(role_label=label)
    if unit is None:
        return home
    home.deadline = deadline = unit_deadline(batch, unit)
    home.deadline_label = f"{unit.name}报送省厅截止"
    if deadline.submitted:
        home.done.append(f"{unit.name}{deadline.summary}，意见已随名单冻结。")
        return home
    draft = Application.unscoped.filter(batch=batch, unit=unit, state=State.CITY_RECOMMENDED)
    given = set(
        CompanyOpinion.unscoped.filter(application__in=draft, department=department).values_list(
            "application_id", flat=True
        )
    )
    waiting = [a for a in draft.select_related("organisation") if a.pk not in given]
    if waiting:
        home.items.append(
            Todo(
                f"对{unit.name}拟推荐名单逐项提出意见",
                _url("company_opinions"),
                "逐项填写意见",
                "每家企业填写同意或不同意及意见，可附文号与复函。",
                count=len(waiting),
                urgent=deadline.days_left < 7,
                lines=tuple(a.listed_name for a in waiting[:10]),
            )
        )
    if (
        not waiting
        and not Consultation.unscoped.filter(batch=batch, unit=unit, department=department).exists()
    ):
        home.items.append(
            Todo(
                f"对{unit.name}推荐名单提出总体意见",
                _url("unit_home", anchor="consultation"),
                "填写意见",
                "推荐单位报送前须取得本部门对名单的意见。",
            )
        )
    home.facts.append(("拟推荐名单", f"{draft.count()} 项"))
    home.facts.append(("已提出意见", f"{len(given)} 项"))
    return home


# --- province ----------------------------------------------------------------------------------


def province_home(user: User, batch: Batch) -> Home:
    home = Home(role_label="省厅")
    home.deadline = batch_deadline(batch)
    submissions = {s.unit_id: s for s in UnitSubmission.unscoped.filter(batch=batch)}
    units = list(RecommendingUnit.objects.all())
    deadlines = {u.pk: unit_deadline(batch, u, submission=submissions.get(u.pk)) for u in units}
    submitted = [u for u in units if deadlines[u.pk].submitted]
    late = [u for u in units if deadlines[u.pk].late]
    reopened = [u for u in units if deadlines[u.pk].reopened and not deadlines[u.pk].submitted]
    waiting = Application.unscoped.filter(
        batch=batch, state=State.CITY_RECOMMENDED, unit__in=[u.pk for u in submitted]
    ).count()
    if waiting:
        home.items.append(
            Todo(
                "对已报送名单作出推荐决定",
                _url("application_list", query="state=city_recommended"),
                "去审核",
                "推荐单位已报送的拟推荐申报。",
                count=waiting,
            )
        )
    if late:
        home.items.append(
            Todo(
                "逾期未报送的推荐单位",
                _url("province_units"),
                "催报或重新开放",
                "已过报送截止时间且未报送。",
                count=len(late),
                urgent=True,
                lines=tuple(u.name for u in late),
            )
        )
    dissent = (
        Consultation.unscoped.filter(batch=batch, agrees=False).count()
        + CompanyOpinion.unscoped.filter(application__batch=batch, agrees=False).count()
    )
    if dissent:
        home.items.append(
            Todo(
                "查看部门不同意意见及处理情况",
                _url("province_units"),
                "查看",
                "部门对名单或企业提出的不同意意见。",
                count=dissent,
            )
        )
    dismissals = Ruling.objects.filter(
        application__batch=batch, decision=Ruling.Decision.DISMISSED, reversed_at__isnull=True
    ).count()
    if dismissals:
        home.items.append(
            Todo(
                "复核推荐单位排除的筛查发现",
                _url("rulings"),
                "去复核",
                "推荐单位认定排除的发现，省厅可撤销。",
                count=dismissals,
            )
        )
    home.facts.append(("已报送的推荐单位", f"{len(submitted)} / {len(units)}"))
    home.facts.append(("逾期未报送", f"{len(late)} 个"))
    if reopened:
        home.facts.append(("省厅已重新开放", f"{len(reopened)} 个"))
    return home


def home_for(user: User, batch: Batch) -> Home:
    role = Role.PROVINCE if user.role == Role.ADMIN else user.role
    builders: dict[str, Callable[[User, Batch], Home]] = {
        Role.APPLICANT: applicant_home,
        Role.EVALUATOR: evaluator_home,
        Role.CITY: city_home,
        Role.DEPARTMENT: department_home,
        Role.PROVINCE: province_home,
    }
    builder = builders.get(role)
    return builder(user, batch) if builder else Home(role_label="")


__all__ = ["Home", "Todo", "home_for"]
