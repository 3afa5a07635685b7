from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.ops.backup import backup


class Command(BaseCommand):
    help = "备份全部数据（各表、审计哈希链、上传文件）到一个 .zip 文件，附行数与校验值清单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        info = backup(options["file"])
        rows = sum(t["rows"] for t in info["tables"].values())
        self.stdout.write(
            f"已备份 {len(info['tables'])} 张表共 {rows} 行、{len(info['files'])} 个文件：{options['file']}"
        )
