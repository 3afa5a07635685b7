from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.commands.management.arguments import batch_or_error, unit_or_error
from greenlist.decisions.documents import letter, pack, summary_table_file
from greenlist.documents.platform_export import ExportFormatError, platform_workbook


class Command(BaseCommand):
    help = (
        "导出正式文件：summary-table（附件1，.docx 或 .xlsx）、letter（推荐意见，.docx）、pack（报送材料包，.zip）、"
        "platform（国家平台导入表，按类别 .xlsx，须 --category）。省略 --unit 为全省汇总版。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("document", choices=["summary-table", "letter", "pack", "platform"])
        parser.add_argument("--category", default=None, help="platform 须指定：factory 或 park 等")
        parser.add_argument("--batch", default=None)
        parser.add_argument("--unit", default=None, help="推荐单位，如 石家庄市")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = batch_or_error(options["batch"])
        unit = unit_or_error(options["unit"])
        out: Path = options["out"]
        suffix = out.suffix.lower()
        document = options["document"]
        expected = {
            "summary-table": {".docx", ".xlsx"},
            "letter": {".docx"},
            "pack": {".zip"},
            "platform": {".xlsx"},
        }[document]
        if suffix not in expected:
            raise CommandError(f"{document} 的输出文件须以 {' 或 '.join(sorted(expected))} 结尾：{out}")
        if document == "platform":
            try:
                data = platform_workbook(batch, options["category"] or "")
            except (ExportFormatError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        elif document == "summary-table":
            data = summary_table_file(batch, unit, suffix.lstrip("."))
        elif document == "letter":
            if unit is None:
                raise CommandError("推荐意见须指定 --unit。")
            data = letter(batch, unit)
        else:
            data = pack(batch, unit)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"已写出：{out}（{len(data) // 1024} KB）")
