"""E-mail reminders to listed units that have not handed in their dynamic-management table.

Queued as ``campaign.Notification`` rows (sent by the worker's ``send_notices`` task like every
other notice). Each unit is reminded once per mark of the cycle's ``remind_days`` (7, 3, 1 days
before the unit deadline): the notice key names the cycle, the entry and the mark, so running
the chore every few minutes, or twice a day, queues nothing new.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from greenlist.accounts.models import Role, User
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.models import Notification
from greenlist.dynamic.progress import entries_without_filing
from greenlist.rules import filing as rules
from greenlist.scoping import unscoped


def _mark(the_cycle: rules.Cycle, now: dt.datetime) -> int | None:
    """The tightest reminder mark that applies now (None: not inside any)."""
    days = (the_cycle.filing_deadline - now).total_seconds() / 86400
    applicable = [mark for mark in the_cycle.remind_days if 0 < days <= mark]
    return min(applicable) if applicable else None


def _queue(user: User, subject: str, body: str, key: str) -> bool:
    if not user.email or not user.is_active:
        return False
    _, created = Notification.objects.get_or_create(
        key=f"{key}:{user.pk}", defaults={"recipient": user, "subject": subject, "body": body}
    )
    return created


def queue_filing_reminders(the_cycle: rules.Cycle, now: dt.datetime | None = None) -> int:
    """Queue reminders for every listed unit of the cycle without a handed-in table, and one
    summary to each city with such units. Returns how many notices were queued."""
    now = now or timezone.now()
    mark = _mark(the_cycle, now)
    if mark is None:
        return 0
    due = the_cycle.filing_deadline.astimezone(ZoneInfo(the_cycle.timezone))
    created = 0
    with unscoped(), transaction.atomic():
        missing = entries_without_filing(the_cycle, None)
        by_unit: dict[int, list[str]] = {}
        for entry in missing:
            by_unit.setdefault(entry.unit_id, []).append(entry.name)
            body = (
                f"{entry.name}（{entry.get_level_display()}{entry.get_category_display()}）尚未提交"
                f"{the_cycle.title}动态管理表，填报截止时间为 {due:%Y年%m月%d日 %H:%M}。"
                "请登录系统“年度动态管理”填报；逾期未填报的，将作为审核提示报所属设区市。"
            )
            for user in User.objects.filter(role=Role.APPLICANT, organisation__uscc=entry.uscc):
                created += _queue(
                    user,
                    f"【绿色制造名单】动态管理表填报提醒：剩余不足{mark}天",
                    body,
                    f"dynamic:{the_cycle.year}:{entry.pk}:{mark}",
                )
        for unit_id, names in by_unit.items():
            body = (
                f"本市尚有 {len(names)} 家名单单位未提交{the_cycle.title}动态管理表"
                f"（填报截止 {due:%Y年%m月%d日}）："
                + "、".join(names[:50])
                + ("等。" if len(names) > 50 else "。")
            )
            for user in User.objects.filter(role=Role.CITY, unit_id=unit_id):
                created += _queue(
                    user,
                    f"【绿色制造名单】本市动态管理表未填报单位：{len(names)}家",
                    body,
                    f"dynamic-city:{the_cycle.year}:{unit_id}:{mark}",
                )
        if created:
            record(
                actor=None,
                action=Action.FILING_REMINDERS_QUEUED,
                object_type="dynamic.cycle",
                object_id=str(the_cycle.year),
                object_label=the_cycle.title,
                details={"mark": mark, "notices": created, "units_missing": len(missing)},
            )
    return created


def queue_current_filing_reminders(now: dt.datetime | None = None) -> int:
    """The worker's chore: reminders of the latest cycle in the data directory (none when the
    province keeps no cycle file)."""
    from greenlist.dynamic.service import cycle

    try:
        the_cycle = cycle()
    except rules.CycleFileError:
        return 0
    return queue_filing_reminders(the_cycle, now)
