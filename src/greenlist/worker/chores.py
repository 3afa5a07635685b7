"""`greenlist worker` processes: their heartbeat rows, the periodic chores they run beside the
task loop (recovering jobs of killed workers, queueing e-mail notices), and the notices task."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Max
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from greenlist.campaign.models import Batch, WorkerBeat
from greenlist.campaign.notices import deliver, queue_deadline_reminders
from greenlist.dynamic.reminders import queue_current_filing_reminders
from greenlist.exchange.jobs import recover_stale_jobs
from greenlist.scoping import unscoped

EMAIL_QUEUE = "email"
QUEUES = ("imports", "screening", EMAIL_QUEUE)

logger = logging.getLogger(__name__)


def worker_last_seen() -> dt.datetime | None:
    """When any worker process last said it was alive (``None``: never)."""
    return WorkerBeat.objects.aggregate(last=Max("last_seen"))["last"]


def beat(worker_id: str) -> None:
    """Record that this worker process is alive."""
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:200], "pid": os.getpid(), "last_seen": timezone.now()},
    )


@task(queue_name=EMAIL_QUEUE)
def send_notices() -> dict[str, int]:
    """Queue deadline reminders for the current batch and send every notice that is due; failed
    ones stay queued with their next try (``greenlist status`` and the admin show them)."""
    with unscoped():
        queued = queue_deadline_reminders(Batch.current())
        queued += queue_current_filing_reminders()
        delivery = deliver()
    return {"reminders": queued, "sent": delivery.sent, "failed": delivery.failed}


def queue_notices_if_idle() -> bool:
    """Enqueue :data:`send_notices` unless one is already waiting or running (several workers
    share the chore). Returns whether one was queued."""
    pending = DBTaskResult.objects.filter(
        task_path=send_notices.module_path, status__in=["READY", "RUNNING"]
    ).exists()
    if not pending:
        send_notices.enqueue()
    return not pending


class Chores(threading.Thread):
    """Beside the task loop, every ``heartbeat`` seconds: this worker's heartbeat, recovery of
    jobs whose worker died, and (every ``notify_every`` seconds, 0: never) e-mail notices."""

    def __init__(self, worker_id: str, *, heartbeat: float, notify_every: float) -> None:
        super().__init__(name="greenlist-worker-chores", daemon=True)
        self.worker_id = worker_id
        self.heartbeat = heartbeat
        self.notify_every = notify_every
        self.stopping = threading.Event()
        self._next_notice = 0.0

    def run(self) -> None:
        try:
            while True:
                self.once()
                if self.stopping.wait(self.heartbeat):
                    return
        finally:
            connections.close_all()

    def once(self) -> None:
        # On SQLite a running import holds the only write lock: a chore that cannot write now
        # is simply tried again at the next tick.
        try:
            with unscoped():
                beat(self.worker_id)
                recover_stale_jobs()
                if self.notify_every and self._next_notice <= timezone.now().timestamp():
                    queue_notices_if_idle()
                    self._next_notice = timezone.now().timestamp() + self.notify_every
        except DatabaseError as exc:
            logger.warning("worker chores postponed: %s", exc)

    def stop(self) -> None:
        self.stopping.set()


def default_heartbeat() -> float:
    return float(settings.GREENLIST_WORKER_HEARTBEAT)
