from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.audit.log import verify
from greenlist.audit.models import AuditEvent


class Command(BaseCommand):
    help = "审计日志：greenlist audit verify 校验哈希链，发现篡改时以非零状态退出并指出第一个断点。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：校验审计日志哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify())
        total = AuditEvent.objects.count()
        if not breaks:
            self.stdout.write(f"审计日志完整：{total} 个事件，哈希链校验通过。")
            return
        first = breaks[0]
        self.stderr.write(
            f"审计日志已被篡改：第一个断点为事件 #{first.event_id}：{first.problem}。共发现 {len(breaks)} 处异常。"
        )
        sys.exit(1)
