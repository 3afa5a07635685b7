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
    batches = [batch] if batch is not None else list(Batch.objects.all())
    with transaction.atomic():
        for each in batches:
            if not BatchState.objects.filter(batch=each).update(data_version=F("data_version") + 1):
                state(each)
                BatchState.objects.filter(batch=each).update(data_version=F("data_version") + 1)
            version = BatchState.objects.filter(batch=each).values_list("data_version", flat=True).get()
            Demand.objects.create(batch=each, version=version, full=full, subjects=subjects)
    ids = [each.pk for each in batches]
    transaction.on_commit(lambda: _request(ids))


def _request(batch_ids: list[int]) -> None:
    from greenlist.screening.tasks import request_run

    for batch_id in batch_ids:
        request_run(batch_id)
