"""Writing and verifying the audit chain. Call :func:`record` inside the transaction of the
change it describes, so the change and its event commit or roll back together."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from greenlist.audit.models import Action, AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 20240719  # PostgreSQL advisory-lock key serialising appends to the chain


def _digest(previous: str, at: dt.datetime, actor: str, action: int, object_type: str, object_id: str,
            reason: str, details: dict[str, Any]) -> str:
    payload = json.dumps(
        [previous, at.isoformat(), actor, action, object_type, object_id, reason, details],
        ensure_ascii=False, sort_keys=True, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    *,
    actor: Any,
    action: Action,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    unit: Any = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Side effect: one AuditEvent row, chained to the last one."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
    actor_label = "系统" if actor is None else f"{actor.get_username()}（{actor.get_role_display()}）"
    details = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
    at = timezone.now()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    event = AuditEvent(
        at=at,
        actor=actor,
        actor_label=actor_label,
        action=int(action),
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        unit=unit,
        reason=reason,
        details=details,
        previous_hash=last,
        hash=_digest(last, at, actor_label, int(action), object_type, object_id, reason, details),
    )
    event.save()
    return event


@dataclass(frozen=True)
class Break:
    event_id: int
    problem: str


def verify() -> Iterator[Break]:
    """Walk the chain in order; yield each place where it does not hold."""
    previous = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            yield Break(event.id, "与前一事件的链接不符（前一事件被修改或删除）")
        expected = _digest(
            event.previous_hash, event.at, event.actor_label, event.action, event.object_type,
            event.object_id, event.reason, event.details,
        )
        if expected != event.hash:
            yield Break(event.id, "事件内容与其哈希不符（事件被修改）")
        previous = event.hash
