"""Demo of the province's selection: an expert pool (two experts with logins), assignments with
scores on some of 石家庄市's recommended factories, a 专题会审 that recommends two of them, and a
公示 in progress with one objection still open. Idempotent: nothing is added once the pool exists."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.campaign.models import Application, Batch
from greenlist.campaign.workflow import State
from greenlist.decisions.refusals import RuleRefused
from greenlist.registry.models import RecommendingUnit
from greenlist.selection import services
from greenlist.selection.models import Expert, MeetingKind, PublicNotice, ReviewMeeting

# name, field, organisation, city (None: no city recorded), login
EXPERTS = [
    ("刘建国", "钢铁冶金", "河北工业大学", None, "expert"),
    ("陈静", "建材与化工", "燕山大学", "秦皇岛市", "expert_2"),
    ("孙立新", "节能与能源管理", "河北省节能监察中心", None, ""),
    ("周晓梅", "环境工程", "河北科技大学", "石家庄市", ""),  # same city as 石家庄's applicants: COI3
    ("吴海峰", "装备制造", "华北理工大学", "唐山市", ""),
]
# Per application, each expert's points as a share of every item's maximum (deterministic).
SHARES = [(0.92, 0.88, 0.9), (0.8, 0.86, 0.83), (0.7, 0.9, 0.62)]
RECOMMENDED = 2  # of the scored applications, the meeting recommends the first two


def _expert_user(username: str, name: str) -> User:
    from greenlist.demo.load import _demo_password_hash

    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"role": Role.EXPERT, "password": _demo_password_hash(), "first_name": name},
    )
    return user


def load_selection(batch: Batch, province: User) -> None:
    if Expert.unscoped.exists():
        return
    units = {u.name: u for u in RecommendingUnit.objects.all()}
    experts: list[Expert] = []
    for name, field, organisation, city, username in EXPERTS:
        experts.append(
            services.add_expert(
                actor=province,
                name=name,
                field=field,
                organisation=organisation,
                contact="0311-8" + str(len(experts) + 1) * 7,
                unit=units.get(city) if city else None,
                user=_expert_user(username, name) if username else None,
                active=True,
            )
        )
    candidates = list(
        Application.objects.filter(
            batch=batch, unit__name="石家庄市", category="factory", state=State.CITY_RECOMMENDED
        ).order_by("pk")[: len(SHARES)]
    )
    reviewers = [e for e in experts if e.unit is None or e.unit.name != "石家庄市"][:3]
    for application, shares in zip(candidates, SHARES, strict=False):
        sheet = services.sheets_for(batch).sheet(application.category)
        for expert, share in zip(reviewers, shares, strict=True):
            assignment = services.assign(application, expert, actor=province)
            if expert.user is None:
                continue  # assigned, not yet scored: the page shows it waiting
            services.declare(assignment, actor=expert.user, confirmed=True)
            points = {item.id: str(_half_points(item.max * Decimal(str(share)))) for item in sheet.items}
            services.score(
                assignment, points, actor=expert.user, comment="材料完整，指标数据与佐证材料一致。"
            )
    # The same-city expert is refused (and the refusal is in the audit trail).
    if candidates:
        with contextlib.suppress(RuleRefused):
            services.assign(candidates[0], experts[3], actor=province)
    meeting = services.record_meeting(
        batch,
        actor=province,
        kind=MeetingKind.TOPIC,
        held_on=timezone.localdate() - dt.timedelta(days=3),
        title="省级绿色制造名单遴选专题会审",
        attendees="省工业和信息化厅节能与综合利用处\n评审专家组（刘建国、陈静、孙立新）\n省生态环境厅、省市场监管局有关处室",
        notes="听取专家评审情况汇报，逐项审议推荐名单。",
    )
    for application in candidates[:RECOMMENDED]:
        _decide(meeting, application, province)
    if not PublicNotice.unscoped.filter(batch=batch).exists():
        try:
            notice = services.publish_notice(
                batch,
                actor=province,
                title=services.default_notice_title(batch),
                starts_on=timezone.localdate() - dt.timedelta(days=1),
                days=services.notice_parameters().days,
                contact="河北省工业和信息化厅节能与综合利用处，0311-87000000（演示）",
                preamble="经企业申报、各市推荐、专家评审和专题会审，拟推荐以下单位，现予以公示。",
            )
        except RuleRefused:
            return
        first = notice.entries[0]
        services.add_objection(
            notice,
            actor=province,
            application_id=int(first["id"]),
            name="王某某（演示）",
            contact="138****0000",
            statement="反映该企业2023年曾因废气排放超标被当地生态环境部门责令整改，请予核查。",
            received_on=timezone.localdate(),
        )


def _decide(meeting: ReviewMeeting, application: Application, province: User) -> None:
    """Recommend through the workflow, acknowledging the screening's warnings the meeting weighed."""
    basis = "专家评审去极值平均分位居前列，材料真实完整，会审同意推荐。"
    try:
        services.decide(meeting, application, State.PROVINCE_RECOMMENDED, actor=province, basis=basis)
    except RuleRefused as refusal:
        warned = tuple(f.rule for f in refusal.findings if not f.excludes)
        if not warned or len(warned) != len(refusal.findings):
            return
        try:
            services.decide(
                meeting,
                application,
                State.PROVINCE_RECOMMENDED,
                actor=province,
                basis=basis,
                acknowledge=warned,
            )
        except RuleRefused:
            return


def _half_points(value: Decimal) -> Decimal:
    return (value * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
