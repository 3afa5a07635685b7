from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greenlist.campaign.jobs import run
from greenlist.scoping import unscoped


class Command(BaseCommand):
    help = "运行一个后台任务（由网页导入自动启动；也可手工重跑）：greenlist run-job 任务编号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        with unscoped():
            job = run(options["job"])
        self.stdout.write(f"任务 {job.pk}：{job.get_status_display()}")
