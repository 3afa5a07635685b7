"""`greenlist filing-reminders [--cycle YEAR] [--send]`: queue the dynamic-management reminders
(what the worker's e-mail chore does), and with ``--send`` send what is due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.campaign.notices import deliver
from greenlist.dynamic import service
from greenlist.dynamic.reminders import queue_filing_reminders
from greenlist.rules.filing import CycleFileError
from greenlist.scoping import unscoped


class Command(BaseCommand):
    help = "向尚未提交动态管理表的名单单位发送填报提醒邮件（每个提醒节点至多一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", type=int, help="填报年度（默认：最新的周期文件）")
        parser.add_argument("--send", action="store_true", help="同时发送已到期的邮件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            the_cycle = service.cycle(options["cycle"])
        except CycleFileError as exc:
            raise CommandError(str(exc)) from exc
        with unscoped():
            queued = queue_filing_reminders(the_cycle)
            sent = deliver().sent if options["send"] else 0
        self.stdout.write(
            f"{the_cycle.title}：新排队提醒 {queued} 封" + (f"，已发送 {sent} 封" if options["send"] else "")
        )
