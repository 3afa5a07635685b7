from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from greenlist.campaign.models import Job
from greenlist.scoping import unscoped
from greenlist.worker.chores import QUEUES


class Command(BaseCommand):
    help = (
        "在前台运行一个排队中的导入任务（调试用；平时由 greenlist worker 运行）：greenlist run-job 任务编号"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        job = Job.objects.filter(pk=options["job"]).first()
        if job is None:
            raise CommandError(f"任务 {options['job']} 不存在。")
        worker_id = f"run-job-{get_random_string(12)}"
        # The same claim as the worker's: a task another worker holds is not run twice.
        tasks = DBTaskResult.objects.ready().filter(id=job.task_id) if job.task_id else None
        claimed = None
        if tasks is not None:
            with exclusive_transaction(tasks.db):
                claimed = tasks.get_locked()
                if claimed is not None:
                    claimed.claim(worker_id)
        if claimed is None:
            raise CommandError(
                f"任务 {job.pk} 当前不在排队中（{job.get_status_display()}），未运行。"
                f"中断失败的任务请先重新排队：greenlist worker --retry {job.pk}"
            )
        worker = Worker(
            queue_names=list(QUEUES),
            interval=0,
            batch=True,
            backend_name=claimed.backend_name,
            startup_delay=False,
            max_tasks=1,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        with unscoped():
            worker.run_task(claimed)
        job.refresh_from_db()
        self.stdout.write(f"任务 {job.pk}：{job.get_status_display()}")
