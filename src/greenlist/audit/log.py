"""Writing and verifying the audit chain. Call :func:`record` inside the transaction of the
change it describes, so the change and its event commit or roll back together."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from greenlist.audit import digests
from greenlist.audit.head import GENESIS, HEAD_ID, advance, is_signed, locked_head
from greenlist.audit.models import Action, AuditEvent, AuditHead

_LOCK_KEY = 20240719  # PostgreSQL advisory-lock key serialising appends to the chain


def _lock_chain() -> tuple[AuditHead, str]:
    """Serialise appends (PostgreSQL advisory lock; SQLite writers are serial already); return the
    locked head and the hash the next event links to.

    That is the signed head's last hash, not the table's last row: if the tail was cut off or the
    last events rewritten, the next event then links to what the head remembers and ``verify``
    still finds the break, rather than the new event papering over it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction of the change they record")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    head = locked_head()
    if is_signed(head):
        return head, head.last_hash
    return head, AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


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
    event = AuditEvent(
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
        hash_version=digests.CURRENT,
    )
    event.hash = digests.digest(event, digests.CURRENT)
    return event


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
    head, previous = _lock_chain()
    event = _event(
        previous,
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
    advance(head, appended=1, last_id=event.pk, last_hash=event.hash)
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
    head, previous = _lock_chain()
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
    if events:
        # Both PostgreSQL and SQLite (3.35+) return the new ids from a bulk insert.
        advance(head, appended=len(events), last_id=events[-1].pk, last_hash=events[-1].hash)


@dataclass(frozen=True)
class Break:
    """One place where the trail does not hold: an event (``event_id``), or the chain as a whole
    against its head (``event_id`` is None)."""

    event_id: int | None
    problem: str

    @property
    def message(self) -> str:
        return self.problem if self.event_id is None else f"事件 #{self.event_id}：{self.problem}"


def verify() -> Iterator[Break]:
    """Walk the chain in order, then hold its end against the signed head; yield each place where
    it does not hold, the first broken event first."""
    previous, count, last_id, version = GENESIS, 0, 0, digests.LEGACY
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count, last_id = count + 1, event.id
        if event.previous_hash != previous:
            yield Break(event.id, "与前一事件的链接不符（前一事件被修改或删除）")
        if event.hash_version < version:
            yield Break(event.id, "哈希格式版本低于之前的事件（事件被改为旧格式以躲避校验）")
        version = max(version, event.hash_version)
        try:
            expected = digests.digest(event, event.hash_version)
        except ValueError:
            expected = ""
        if expected != event.hash:
            yield Break(event.id, "事件内容与其哈希不符（事件被修改）")
        previous = event.hash
    yield from _against_head(count, last_id, previous)


def _against_head(count: int, last_id: int, last_hash: str) -> Iterator[Break]:
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    if head is None:
        if count:
            yield Break(None, "链头记录缺失：链头被删除，无法确认链尾是否完整")
        return
    if not is_signed(head):
        yield Break(
            None,
            "链头签名无效：链头被篡改或删除过（若更换了 SECRET_KEY，请把旧密钥列入 SECRET_KEY_FALLBACKS）",
        )
        return
    if last_id < head.last_id:
        yield Break(
            None,
            f"链尾被删除：链头记录共 {head.count} 个事件、最后为事件 #{head.last_id}，"
            f"现存 {count} 个、最后为事件 #{last_id}",
        )
    elif last_id > head.last_id:
        yield Break(None, f"事件 #{head.last_id} 之后的事件未经审计日志写入（链头之后被插入）")
    elif count != head.count:
        yield Break(
            None, f"事件数与链头不符：链头记录 {head.count} 个，现存 {count} 个（中间有事件被删除或插入）"
        )
    elif last_hash != head.last_hash:
        yield Break(
            None,
            f"最后事件 #{last_id} 的哈希与链头签名记录的不符：有事件被改写并重算了其后的全部哈希"
            "（无法从链本身判断第一个被改写的事件，请与备份比对）",
        )


def chain_head() -> AuditHead | None:
    """The stored head (for reports: count, last id, last hash)."""
    return AuditHead.objects.filter(pk=HEAD_ID).first()
