"""The database's own guard of the audit table: on PostgreSQL a row trigger refuses every UPDATE
and DELETE of an audit event, whoever issues it (the model refuses them too, but raw SQL, a
bulk ``QuerySet.update`` or ``_raw_delete`` pass the model by). TRUNCATE is not a row operation
and stays possible for the table's owner (``flush``, the test suite).

Restoring a backup is the one legitimate rewrite: it must run inside :func:`allow_rewrite`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

TABLE = "audit_auditevent"
# Created by migration audit 0003_append_only_trigger.
TRIGGER = "audit_auditevent_append_only"


@contextmanager
def allow_rewrite() -> Iterator[None]:
    """Let the block delete or update audit events (restore of a backup); nothing else.

    ``ALTER TABLE … DISABLE TRIGGER`` is transactional and needs the table's owner, which a web
    process run under a lesser role cannot do; it runs in a savepoint, so the trigger is enabled
    again when the block ends and, if the block fails, the rollback re-enables it. Other sessions
    never see the table unguarded: the ALTER holds an exclusive lock on it until commit, so
    appends wait for the restore instead of interleaving with it. Elsewhere (SQLite) there is no
    trigger and the block just runs."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
