from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.campaign.notices import deliver, queue_deadline_reminders
from greenlist.commands.management.arguments import batch_or_error
from greenlist.scoping import unscoped


class Command(BaseCommand):
    help = "发送待发的邮件通知（状态变更、报送截止提醒）。可由 cron 定时运行，或 --loop 秒数 常驻运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", default=None)
        parser.add_argument("--loop", type=int, default=0, help="每隔多少秒运行一次（0：只运行一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["loop"]:
            # systemd (or a test) stops the loop with SIGTERM: the round in progress finishes and
            # reports what it sent, so no notice is sent without its line in the log.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            with unscoped():
                queued = queue_deadline_reminders(batch_or_error(options["batch"]))
                delivery = deliver()
            self.stdout.write(f"新增截止提醒 {queued} 封，发送通知 {delivery.sent} 封。")
            if delivery.failed:
                # Reported, not raised: the notices stay queued and are tried again later.
                self.stderr.write(
                    f"发送失败 {delivery.failed} 封，已保留在队列中，稍后按退避间隔重试"
                    + ("（邮件服务器无法连接，本轮其余通知顺延）" if delivery.server_unreachable else "")
                    + "：\n"
                    + "\n".join(delivery.errors)
                )
            if not options["loop"] or stop.wait(options["loop"]):
                return
