"""``greenlist energy-level --product NAME --value X --format json`` (rule F3).

Prints ``{"product", "value", "unit", "level": "标杆" | "基准" | "未达基准", "benchmark", "baseline"}``
from the reference table data/reference/energy-levels.yaml with the province's audited corrections; ``--detail`` adds the row's source and
confidence mark. Negative values are accepted (``--value -30``). Non-zero exit with a Chinese message
for an unknown product (the known ones are listed) or a value that is not a number.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.registry.reference import current_energy_levels
from greenlist.scoring.energy import EnergyLevelError, energy_level_contract


class Command(BaseCommand):
    help = "查询产品单位能耗所处能效水平（标杆/基准/未达基准，规则F3），输出 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--product", required=True, help="产品或工序，如 水泥熟料、高炉工序")
        parser.add_argument(
            "--value", required=True, help="单位产品能耗（单位见参考表，如 kgce/t），可为负数"
        )
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--detail", action="store_true", help="附上来源与可信度")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            output = energy_level_contract(
                options["product"], options["value"], current_energy_levels(), detail=options["detail"]
            )
        except EnergyLevelError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
