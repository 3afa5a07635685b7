"""``greenlist check-report FILE.docx --category factory|park|supply_chain --format json``.

Prints ``{"ok": bool, "breaches": [{"rule": "R2", "section", "limit", "actual", "message"}]}``.
The exit status says whether the file could be checked, not whether it passed: 0 whenever the JSON
is printed (breaches or not; read ``ok``), non-zero with a Chinese message on bad input (missing
file, not a Word document, refused upload, unknown batch). The batch parameters come from the batch
file (``GREENLIST_PROVINCE``, ``--batch`` or ``GREENLIST_BATCH``), so no database is needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.documents.experience_report import REPORT_MAX_BYTES, check_report
from greenlist.documents.uploads import UploadRefused
from greenlist.rules.batch import BatchFileError, load_batch
from greenlist.rules.vocabulary import Category


class Command(BaseCommand):
    help = "按附件2（R2）检查典型经验报告（.docx）的字数、亮点、图片和必备部分，输出 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="典型经验报告 .docx 文件")
        parser.add_argument(
            "--category",
            required=True,
            choices=[c.value for c in Category],
            help="申报类别：factory（绿色工厂）、park（绿色工业园区）、supply_chain（绿色供应链管理企业）",
        )
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--batch", default=None, help="批次，默认为当前批次（如 2024）")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["batch"] or settings.GREENLIST_DEFAULT_BATCH
        try:
            batch = load_batch(settings.GREENLIST_PROVINCE, code, Path(settings.GREENLIST_DATA_DIR))
        except BatchFileError as exc:
            raise CommandError(str(exc)) from exc
        if not batch.on("R2"):
            raise CommandError(f"批次 {batch.code}（{batch.title}）不要求典型经验报告（附件2），无需检查。")
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                # One byte over the limit is enough to refuse an oversize file without reading it all.
                data = handle.read(REPORT_MAX_BYTES + 1)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"“{path}”是目录，不是文件") from exc
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
        try:
            result = check_report(data, options["category"], batch)
        except UploadRefused as exc:
            raise CommandError(f"无法检查“{path.name}”：{exc.message}") from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
