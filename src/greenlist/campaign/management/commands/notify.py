from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.campaign.management.arguments import batch_or_error
from greenlist.campaign.notices import queue_deadline_reminders, send_pending
from greenlist.scoping import unscoped


class Command(BaseCommand):
    help = "发送待发的邮件通知（状态变更、报送截止提醒）。可由 cron 定时运行，或 --loop 秒数 常驻运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", default=None)
        parser.add_argument("--loop", type=int, default=0, help="每隔多少秒运行一次（0：只运行一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            with unscoped():
                queued = queue_deadline_reminders(batch_or_error(options["batch"]))
                sent = send_pending()
            self.stdout.write(f"新增截止提醒 {queued} 封，发送通知 {sent} 封。")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
