"""The payloads an event's hash is computed over, one per hash-format version.

Why versions and not a data migration that rehashes: rehashing rewrites every existing hash, so
whatever had been changed by hand before the migration would come out with a valid hash and the
evidence would be gone for good. Keeping the old events under the formula they were written
with leaves them checkable exactly as before (their actor id, unit id and object label stay
uncovered: they never were), and every event appended after the upgrade is covered in full. The
chain head (``greenlist.audit.head``) is signed once over the existing chain when the migration
runs, so from then on the old events can no longer be cut off or recomputed unnoticed either.
A version may only stay or rise along the chain: ``verify`` refuses a version-1 event after a
version-2 one, so nobody can downgrade a new event to the weaker formula.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Protocol

LEGACY = 1  # before issue 15: no actor id, unit id or object label
FULL = 2  # every column except the event's own id (unknown before the insert)
CURRENT = FULL


class Hashed(Protocol):
    """The columns a hash covers (an AuditEvent, saved or not)."""

    previous_hash: str
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    unit_id: int | None
    action: int
    object_type: str
    object_id: str
    object_label: str
    reason: str
    details: dict[str, Any]


def _sha256(values: list[Any]) -> str:
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def digest(event: Hashed, version: int) -> str:
    if version == LEGACY:
        return _sha256(
            [
                event.previous_hash,
                event.at.isoformat(),
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                event.reason,
                event.details,
            ]
        )
    if version == FULL:
        # The version is part of the payload so a hash cannot be re-labelled as another format.
        return _sha256(
            [
                FULL,
                event.previous_hash,
                event.at.isoformat(),
                event.actor_id,
                event.actor_label,
                event.unit_id,
                event.action,
                event.object_type,
                event.object_id,
                event.object_label,
                event.reason,
                event.details,
            ]
        )
    raise ValueError(f"未知的哈希格式版本 {version}")
