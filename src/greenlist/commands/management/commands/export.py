from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.commands.management.arguments import batch_or_error, unit_or_error
from greenlist.decisions.documents import letter, pack, summary_table_file


class Command(BaseCommand):
    help = (
        "导出正式文件：summary-table（附件1，.docx 或 .xlsx）、letter（推荐意见，.docx）、pack（报送材料包，.zip）。"
        "省略 --unit 为全省汇总版。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("document", choices=["summary-table", "letter", "pack"])
        parser.add_argument("--batch", default=None)
        parser.add_argument("--unit", default=None, help="推荐单位，如 石家庄市")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = batch_or_error(options["batch"])
        unit = unit_or_error(options["unit"])
        out: Path = options["out"]
        suffix = out.suffix.lower()
        document = options["document"]
        expected = {"summary-table": {".docx", ".xlsx"}, "letter": {".docx"}, "pack": {".zip"}}[document]
        if suffix not in expected:
            raise CommandError(f"{document} 的输出文件须以 {' 或 '.join(sorted(expected))} 结尾：{out}")
        if document == "summary-table":
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
