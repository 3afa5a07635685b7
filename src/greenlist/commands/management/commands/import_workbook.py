from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.commands.management.arguments import batch_or_error
from greenlist.exchange.importer import import_workbook


class Command(BaseCommand):
    help = (
        "导入交换工作簿（.xlsx，或单个工作表的 .csv）：按统一社会信用代码更新或新增；任一行有误则整体不导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="工作簿 .xlsx 或工作表 .csv（文件名含工作表名称）")
        parser.add_argument("--batch", default=None, help="批次，如 2024（默认为当前批次）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        batch = batch_or_error(options["batch"])
        started = time.monotonic()
        report = import_workbook(path, batch=batch, progress=self._progress)
        sys.stderr.write("\n")
        if not report.ok:
            self.stderr.write(f"导入失败：共 {report.error_count} 处错误，未做任何修改。")
            for error in report.errors:
                self.stderr.write(f"  {error}")
            if report.error_count > len(report.errors):
                self.stderr.write(f"  ……另有 {report.error_count - len(report.errors)} 处错误未列出")
            raise SystemExit(1)
        self.stdout.write(
            f"导入成功（{path.name}，批次 {batch.code}，用时 {time.monotonic() - started:.1f} 秒）："
        )
        for sheet, counter in report.counts.items():
            self.stdout.write(f"  {sheet}：新增 {counter['created']} 条，更新 {counter['updated']} 条")
        if report.name_matches:
            self.stdout.write(
                f"按名称匹配的负面记录（无统一社会信用代码）{len(report.name_matches)} 条，请核实："
            )
            for match in report.name_matches[:20]:
                self.stdout.write(
                    f"  {match['record']}（{match['type']} {match['start']}）→ {match['organisation']} {match['uscc']}"
                )

    def _progress(self, sheet: str, done: int, total: int | None) -> None:
        if total:
            filled = int(30 * min(done, total) / total)
            sys.stderr.write(f"\r  {sheet} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} 行")
        else:
            sys.stderr.write(f"\r  {sheet} {done} 行")
        sys.stderr.flush()
