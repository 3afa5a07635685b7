"""Screening as background work: a run is requested after every committed change."""

from __future__ import annotations

from greenlist.campaign.models import Batch
from greenlist.screening.verdicts import run_pending


def request_run(batch_id: int) -> None:
    """Bring the batch's verdicts up to date (a partial run: what the change can affect)."""
    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is not None:
        run_pending(batch)
