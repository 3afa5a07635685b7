from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.audit.log import chain_head, verify


class Command(BaseCommand):
    help = (
        "审计日志：greenlist audit verify 校验哈希链及签名链头，"
        "发现篡改时以非零状态退出并指出第一个断点（或链尾被删除）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：校验审计日志哈希链与链头")

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify())
        if not breaks:
            head = chain_head()
            if head is None:
                self.stdout.write("审计日志完整：尚无事件。")
                return
            self.stdout.write(
                f"审计日志完整：{head.count} 个事件，哈希链校验通过，与签名链头一致。\n"
                f"链头：{head.count} 个事件，最后事件 #{head.last_id}，哈希 {head.last_hash}"
            )
            return
        self.stderr.write(f"审计日志已被篡改：第一个断点：{breaks[0].message}。共发现 {len(breaks)} 处异常。")
        sys.exit(1)
