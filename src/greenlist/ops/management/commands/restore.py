from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.ops.backup import BackupError
from greenlist.ops.restore import restore


class Command(BaseCommand):
    help = "从 greenlist backup 生成的 .zip 恢复全部数据；恢复后逐表核对行数与校验值。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--replace", action="store_true", help="目标数据库已有数据时覆盖")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].exists():
            raise CommandError(f"文件不存在：{options['file']}")
        try:
            info = restore(options["file"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in info["tables"].values())
        self.stdout.write(
            f"已恢复 {len(info['tables'])} 张表共 {rows} 行、{len(info['files'])} 个文件，校验一致。"
        )
