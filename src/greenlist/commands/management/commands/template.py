from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.exchange.templates import write_templates


class Command(BaseCommand):
    help = "写出交换工作簿模板：OUT 以 .xlsx 结尾时写一个工作簿，否则在该目录下每个工作表写一个 .csv。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", nargs="?", type=Path, default=Path("greenlist-模板.xlsx"))

    def handle(self, *args: Any, **options: Any) -> None:
        for path in write_templates(options["out"]):
            self.stdout.write(f"已写出模板：{path}")
