from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.commands.management.arguments import batch_or_error, unit_or_error
from greenlist.screening import verdicts


class Command(BaseCommand):
    help = "按批次筛查全部申报（E1–E6、F1–F3、P1–P2、S1–S2、V1–V4、Q1、C1、D1、R1），输出 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", required=True, help="批次，如 2024")
        parser.add_argument("--unit", default=None, help="只输出一个推荐单位，如 石家庄市")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = batch_or_error(options["batch"])
        unit = unit_or_error(options["unit"])
        units = [unit.name] if unit else None
        verdicts.run_pending(batch)  # a command is no web request: it may bring the verdicts up to date
        result = verdicts.stored(batch, unit_names=units).result
        self.stdout.write(json.dumps(result.to_contract(), ensure_ascii=False, indent=2))
