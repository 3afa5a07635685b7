"""Screening as background work: after every committed change the worker brings the batch's
verdicts up to date (a partial run of what the change can affect, or a full one)."""

from __future__ import annotations

from django_tasks import task

from greenlist.campaign.models import Batch
from greenlist.screening.verdicts import run_pending

SCREENING_QUEUE = "screening"


@task(queue_name=SCREENING_QUEUE)
def screen_pending(batch_id: int) -> int | None:
    """Run what is pending for the batch; returns the run's id, or ``None`` when nothing was."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None:
        return None
    run = run_pending(batch)
    return run.pk if run else None


def request_run(batch_id: int) -> None:
    screen_pending.enqueue(batch_id)
