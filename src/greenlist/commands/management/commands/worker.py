from __future__ import annotations

import logging
import signal
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from greenlist.campaign.models import Job
from greenlist.exchange.jobs import JobError, recover_stale_jobs, retry
from greenlist.scoping import unscoped
from greenlist.worker.chores import QUEUES, Chores, beat, default_heartbeat

logger = logging.getLogger("django_tasks_db")


class GracefulWorker(Worker):
    """django-tasks-db's worker, but a first SIGTERM/SIGINT never exits from inside the signal
    handler: when idle, the library's handler exits at once, which can land in the middle of the
    transaction that claims a task (seen on PostgreSQL: "connection in transaction status ACTIVE").
    The loop sees the flag instead, within one interval, after finishing any current task.
    A second signal still stops at once (the current import's transaction is rolled back)."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            super().shutdown(signum, frame)
            return
        logger.warning("收到 %s：做完当前任务后退出（再按一次 Ctrl+C 立即中止）。", signal.strsignal(signum))
        self.running = False


class Command(DatabaseWorkerCommand):
    """django-tasks-db's worker (atomic claims, clean stop on SIGTERM) with this project's
    defaults and chores: a heartbeat, recovery of jobs whose worker was killed, e-mail notices."""

    help = (
        "运行后台处理进程：执行导入等排队任务，并定时发送邮件通知（Ctrl+C 或 SIGTERM 时做完当前任务后退出）。"
        "greenlist worker --retry 任务编号：重新排队一个中断失败的导入任务。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # No code reloading (--reload is ignored): it would kill a running import.
        parser.set_defaults(queue_name=",".join(QUEUES), reload=False)
        parser.add_argument(
            "--retry", type=int, metavar="任务编号", help="重新排队一个中断失败的导入任务，然后退出"
        )
        parser.add_argument(
            "--notify-every",
            type=float,
            default=300,
            metavar="秒",
            help="每隔多少秒排队一次邮件通知任务（0：不发送；默认 300）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        retry_id = options.pop("retry")
        notify_every = options.pop("notify_every")
        if retry_id is not None:
            self._retry(retry_id)
            return
        worker_id = options["worker_id"]
        self.configure_logging(options["verbosity"])
        queues = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queues:
            raise CommandError("--exclude-queues 只能与 --queue-name='*' 一起使用。")
        worker = GracefulWorker(
            queue_names=queues,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        # Signals first: the first heartbeat tells the world the worker is up, and a SIGTERM from
        # then on must stop it cleanly.
        worker.configure_signals()
        with unscoped():
            beat(worker_id)
            for job_id in recover_stale_jobs():
                self.stdout.write(f"任务 {job_id} 的处理进程已中止，已标记为失败（可重试）。")
        chores = Chores(worker_id, heartbeat=default_heartbeat(), notify_every=notify_every)
        chores.start()
        try:
            worker.run()
        finally:
            chores.stop()
            chores.join()

    def _retry(self, job_id: int) -> None:
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"任务 {job_id} 不存在。")
        with unscoped():
            recover_stale_jobs()  # a job whose worker just died becomes retryable first
            job.refresh_from_db()
            try:
                retry(job, actor=None)
            except JobError as exc:
                raise CommandError(f"任务 {job_id}（{job.get_status_display()}）：{exc}") from exc
        self.stdout.write(f"任务 {job_id} 已重新排队，将由后台处理进程运行。")
