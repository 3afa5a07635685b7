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

# Read by the trigger function of migration audit 0004_append_only_trigger.
SETTING = "greenlist.audit_rewrite"


@contextmanager
def allow_rewrite() -> Iterator[None]:
    """Let the block delete or update audit events (restore of a backup); nothing else.

    The trigger lets rows through while the transaction-local setting ``greenlist.audit_rewrite``
    is on. It is set with ``set_config(…, true)`` inside a savepoint: switched off again when the
    block ends, undone by the rollback if the block fails, and never visible to other sessions.
    Why a setting and not ``ALTER TABLE … DISABLE TRIGGER``: that fails with "pending trigger
    events" in any transaction that already inserted rows (Django's foreign keys are deferred),
    and takes an exclusive lock. Whoever can run SQL can set it too, as the table's owner could
    drop the trigger: the trigger stops the application's own code and mistakes; deliberate
    rewrites are what the hash chain and its signed head detect. Elsewhere (SQLite) there is no
    trigger and the block just runs."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT set_config('{SETTING}', 'on', true)")
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT set_config('{SETTING}', 'off', true)")
