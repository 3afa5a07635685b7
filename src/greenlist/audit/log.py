"""Writing and verifying the audit chain. Call :func:`record` inside the transaction of the
change it describes, so the change and its event commit or roll back together."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from greenlist.audit.models import Action, AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 20240719  # PostgreSQL advisory-lock key serialising appends to the chain


def _digest(
    previous: str,
    at: dt.datetime,
    actor: str,
    action: int,
    object_type: str,
    object_id: str,
    reason: str,
    details: dict[str, Any],
) -> str:
    payload = json.dumps(
        [previous, at.isoformat(), actor, action, object_type, object_id, reason, details],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain() -> str:
    """Serialise appends (PostgreSQL advisory lock; SQLite writers are serial already) and
    return the hash of the last event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction of the change they record")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


def _actor_label(actor: Any) -> str:
    return "系统" if actor is None else f"{actor.get_username()}（{actor.get_role_display()}）"


def _event(
    previous: str,
    *,
    actor: Any,
    action: Action,
    object_type: str,
    object_id: str,
    object_label: str,
    unit: Any,
    reason: str,
    details: dict[str, Any] | None,
) -> AuditEvent:
    at = timezone.now()
    label = _actor_label(actor)
    clean = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
    return AuditEvent(
        at=at,
        actor=actor,
        actor_label=label,
        action=int(action),
        object_type=object_type,
        object_id=object_id,
        object_label=object_label[:200],
        unit=unit,
        reason=reason,
        details=clean,
        previous_hash=previous,
        hash=_digest(previous, at, label, int(action), object_type, object_id, reason, clean),
    )


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
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    event = _event(
        _lock_chain(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        unit=unit,
        reason=reason,
        details=details,
    )
    event.save()
    return event


def record_many(
    *,
    actor: Any,
    action: Action,
    objects: Sequence[Any],
    details: Callable[[Any], dict[str, Any]],
    reason: str = "",
) -> None:
    """Append one event per object (bulk: imports). Objects need ``unit`` and ``pk``."""
    previous = _lock_chain()
    events = []
    for obj in objects:
        event = _event(
            previous,
            actor=actor,
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            object_label=str(obj),
            unit=getattr(obj, "unit", None),
            reason=reason,
            details=details(obj),
        )
        events.append(event)
        previous = event.hash
    AuditEvent.objects.bulk_create(events, batch_size=1000)


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
            event.previous_hash,
            event.at,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.reason,
            event.details,
        )
        if expected != event.hash:
            yield Break(event.id, "事件内容与其哈希不符（事件被修改）")
        previous = event.hash
