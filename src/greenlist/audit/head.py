"""The signed chain head: (count, last id, last hash) with an HMAC keyed by ``SECRET_KEY``.

The hash chain alone proves only that the events agree with one another: whoever can write the
table can cut off its tail, or change one event and recompute every later hash, and the chain
still holds. The head, written in the transaction of each append, pins the chain's length and
its end; forging it needs the key. Key rotation follows Django's: sign with ``SECRET_KEY``,
accept ``SECRET_KEY_FALLBACKS`` too (also how a backup restored under another key verifies).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from greenlist.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64
HEAD_ID = 1
_SALT = "greenlist.audit.head"


def sign(count: int, last_id: int, last_hash: str, *, secret: str | None = None) -> str:
    message = f"{count}:{last_id}:{last_hash}"
    return salted_hmac(_SALT, message, secret=secret, algorithm="sha256").hexdigest()


def is_signed(head: AuditHead) -> bool:
    """Whether the head's signature is valid under the current key or a fallback key."""
    if not head.signature:
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(head.signature, sign(head.count, head.last_id, head.last_hash, secret=key))
        for key in keys
    )


def locked_head() -> AuditHead:
    """The head row, locked for this transaction (the caller holds the chain's append lock).

    A database without a head and without events starts a fresh chain. A missing head while events
    exist means the head was deleted: the head is rebuilt from the table but left unsigned, so
    ``verify`` keeps reporting it instead of the next append silently re-blessing the table."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-id").first()
    if last is None:
        return AuditHead(pk=HEAD_ID, count=0, last_id=0, last_hash=GENESIS, signature=sign(0, 0, GENESIS))
    return AuditHead(
        pk=HEAD_ID, count=AuditEvent.objects.count(), last_id=last.pk, last_hash=last.hash, signature=""
    )


def advance(head: AuditHead, *, appended: int, last_id: int, last_hash: str) -> None:
    """Move the head past ``appended`` events just written, ending with ``last_id``/``last_hash``,
    and save it.

    A head whose signature was already invalid stays unsigned: re-signing it would turn a
    tampered head, or a head over a cut-off chain, into a valid one."""
    if appended == 0:
        return
    was_signed = is_signed(head)
    head.count += appended
    head.last_id = last_id
    head.last_hash = last_hash
    head.signature = sign(head.count, head.last_id, head.last_hash) if was_signed else ""
    head.save()


def head_problem(attempts: int = 3) -> str | None:
    """A cheap consistency check of the chain's end against the signed head, for readiness probes
    (``greenlist audit verify`` walks the whole chain; this reads two rows): ``None`` when the head
    is signed and the table's last event is the one it names, else what is wrong.

    The two rows are read by two statements, so an append landing between them looks like a
    mismatch; a mismatch is read again before it is reported."""
    problem: str | None = None
    for _ in range(attempts):
        problem = _head_problem_once()
        if problem is None:
            return None
    return problem


def _head_problem_once() -> str | None:
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if head is None:
        return None if last is None else "审计链头记录缺失（请运行 greenlist audit verify 查明原因）"
    if not is_signed(head):
        return "审计链头签名无效（请运行 greenlist audit verify 查明原因）"
    last_id, last_hash = last if last is not None else (0, GENESIS)
    if (last_id, last_hash) != (head.last_id, head.last_hash):
        return (
            f"审计链尾与链头不符：链头记录最后为事件 #{head.last_id}，表中最后为事件 #{last_id}"
            "（请运行 greenlist audit verify 查明原因）"
        )
    return None
