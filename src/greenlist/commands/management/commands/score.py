"""``greenlist score FILE.json --format json``: score one input file against an indicator system.

Prints ``{"total", "areas": {name: subtotal}, "indicators": [{"name", "score"}], "green"}``
(greenlist.scoring.contract); ``--detail`` adds each indicator's explanation, the weights, the pass
mark with its confidence mark and the verdict. Exit status 0 whenever the JSON is printed (green or
not: read ``green``); non-zero with a Chinese message on bad input. No database is needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.scoring.contract import contract_output, parse_score_json, run
from greenlist.scoring.systems import ScoringError

MAX_BYTES = 5 * 1024 * 1024  # an input of a few dozen indicators is a few kilobytes


class Command(BaseCommand):
    help = "按评价体系（GB/T 36132-2018/2025、绿色园区、绿色供应链）对一份指标输入文件计分，输出 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="指标输入文件（JSON，UTF-8）")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--detail", action="store_true", help="附上逐项计分说明、权重、合格分及其可信度")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"“{path}”是目录，不是文件") from exc
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
        if len(data) > MAX_BYTES:
            raise CommandError(f"文件“{path.name}”超过 {MAX_BYTES // (1024 * 1024)} MB，不像是指标输入文件")
        try:
            result = run(parse_score_json(data))
        except ScoringError as exc:
            raise CommandError(f"无法计分“{path.name}”：{exc}") from exc
        output = contract_output(result, detail=options["detail"])
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
