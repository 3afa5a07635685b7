"""The data version: every write that can change a screening outcome calls :func:`changed` in its
own transaction, naming what it changed. The batch's version goes up with the write (or not at
all, if the write rolls back) and the next run re-screens just what the change can affect."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from greenlist.campaign.models import Batch
from greenlist.screening.models import BatchState, Demand


def state(batch: Batch, *, lock: bool = False) -> BatchState:
    query = BatchState.objects.select_for_update() if lock else BatchState.objects
    found = query.filter(batch=batch).first()
    if found is None:
        BatchState.objects.get_or_create(batch=batch)
        found = query.get(batch=batch)
    return found


def changed(
    batch: Batch | None = None,
    *,
    applications: Iterable[int] = (),
    usccs: Iterable[str] = (),
    names: Iterable[str] = (),
    evaluators: Iterable[int] = (),
    units: Iterable[int] = (),
    full: bool = False,
) -> None:
    """Record that data changed: the given applications; the firms with these codes or normalised
    names (records, list entries); these evaluators (diagnoses, blacklist, declarations); or,
    with ``full``, anything (imports, reference tables); ``units``: a unit's own facts
    (consultations, submissions), which only bump the version. ``batch=None``: the registry is
    shared, so every batch's version goes up. Call it inside the writing transaction."""
    subjects: dict[str, Any] = {
        key: sorted(set(values))
        for key, values in (
            ("applications", applications),
            ("usccs", usccs),
            ("names", names),
            ("evaluators", evaluators),
            ("units", units),
        )
    }
    subjects = {key: values for key, values in subjects.items() if values}
    if not subjects and not full:
        return
    # A handful of queries whatever the number of batches: every saved row of the registry comes
    # through here, so its cost is paid by every write (and every test fixture).
    ids = [batch.pk] if batch is not None else list(Batch.objects.values_list("pk", flat=True))
    with transaction.atomic():
        rows = BatchState.objects.filter(batch_id__in=ids)
        if rows.update(data_version=F("data_version") + 1) < len(ids):
            # A batch's first change: its state row is made, then counted like the others.
            counted = set(rows.values_list("batch_id", flat=True))
            for pk in set(ids) - counted:
                BatchState.objects.get_or_create(batch_id=pk)
            rows.exclude(batch_id__in=counted).update(data_version=F("data_version") + 1)
        versions = dict(rows.values_list("batch_id", "data_version"))
        Demand.objects.bulk_create(
            Demand(batch_id=pk, version=versions[pk], full=full, subjects=subjects) for pk in ids
        )
    transaction.on_commit(lambda: _request(ids))


def _request(batch_ids: list[int]) -> None:
    from greenlist.screening.tasks import request_run

    for batch_id in batch_ids:
        request_run(batch_id)
