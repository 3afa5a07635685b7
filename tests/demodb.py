"""The demo data set, loaded once per test run.

Loading the demo takes seconds; dozens of tests read it. So the first test that asks for the
``demo`` fixture builds two copies of the (migrated, empty) test database and loads the demo
into them:

- the *template*, never opened by a test, and
- the *working copy*, which every test that asks for ``demo`` runs on.

A test that asks for ``demo`` is pointed at the working copy before pytest-django opens its
transaction, and back at the plain test database afterwards, so every other test sees an empty
database exactly as before. An ordinary test's changes are rolled back with its transaction. A
transactional test (``transaction=True``, ``live_server``, a worker process) commits for real and
pytest-django empties the database after it, so the working copy is then restored from the
template: a file copy through SQLite's backup API, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.

Demo files (attachments) are written to a media folder of the run and copied into the test's
``MEDIA_ROOT`` by the ``demo`` fixture.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import override_settings

DEMO_FIXTURE = "demo"
# Fixtures after which pytest-django runs the test as a TransactionTestCase (see its
# _django_db_helper): its writes are committed and the database is emptied afterwards.
TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server", "django_db_reset_sequences")


def _default() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def _sharing_default() -> list[BaseDatabaseWrapper]:
    """The default connection and its test mirrors (the "progress" connection)."""
    found = []
    for alias in connections:
        conn = connections[alias]
        mirror = conn.settings_dict.get("TEST", {}).get("MIRROR")
        if alias == DEFAULT_DB_ALIAS or mirror == DEFAULT_DB_ALIAS:
            found.append(conn)
    return found


def point_at(name: str) -> None:
    """Make this process (and the threads it starts, e.g. the live server) use database ``name``."""
    for conn in _sharing_default():
        if conn.settings_dict["NAME"] != name:
            conn.close()
            conn.settings_dict["NAME"] = name


def close_all() -> None:
    for conn in _sharing_default():
        conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def clone(source: str, target: str) -> None:
    """Make database ``target`` an exact copy of ``source`` (replacing any previous ``target``)."""
    close_all()
    if _default().vendor == "sqlite":
        # The backup API copies a consistent snapshot even in WAL mode and overwrites the target
        # in place, so a connection a thread may still hold on the target stays valid.
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return
    # PostgreSQL refuses to copy a database someone is connected to; a worker process or a live
    # server thread of the previous test may take a moment to let go.
    deadline = time.monotonic() + 30
    while True:
        try:
            with _default()._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {_quote(target)} WITH (FORCE)")
                cursor.execute(f"CREATE DATABASE {_quote(target)} TEMPLATE {_quote(source)}")
            return
        except OperationalError as exc:
            if "being accessed by other users" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def drop(name: str) -> None:
    close_all()
    if _default().vendor == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    with _default()._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


def _names(base: str) -> tuple[str, str]:
    if _default().vendor == "sqlite":
        path = Path(base)
        return (
            str(path.with_name(f"{path.stem}.demo-template{path.suffix}")),
            str(path.with_name(f"{path.stem}.demo{path.suffix}")),
        )
    return f"{base}_demo_template", f"{base}_demo"


class DemoDatabases:
    """The template and working copy of one test run (built on first use)."""

    def __init__(self, media: Path) -> None:
        self.media = media
        self.base = ""
        self.template = ""
        self.work = ""

    @property
    def built(self) -> bool:
        return bool(self.work)

    def build(self, overrides: dict[str, Any]) -> None:
        from greenlist.demo.load import load_demo

        self.base = _default().settings_dict["NAME"]
        self.template, self.work = _names(self.base)
        clone(self.base, self.template)
        point_at(self.template)
        try:
            # The settings every test runs under (fast password hashing, tasks run inline…),
            # so the demo holds what it held when each test loaded it itself.
            with override_settings(**overrides, MEDIA_ROOT=self.media):
                load_demo()
        finally:
            point_at(self.base)
        if _default().vendor == "postgresql":
            # Nobody connects to the template any more: not even autovacuum, which would make
            # each restore wait ("source database is being accessed by other users").
            with _default()._nodb_cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {_quote(self.template)} WITH ALLOW_CONNECTIONS false")
        clone(self.template, self.work)

    def restore(self) -> None:
        clone(self.template, self.work)

    def drop(self) -> None:
        if self.built:
            point_at(self.base)
            drop(self.work)
            drop(self.template)

    def copy_media(self, media_root: Path) -> None:
        if self.media.is_dir():
            shutil.copytree(self.media, media_root, dirs_exist_ok=True)


@contextmanager
def on_demo(store: DemoDatabases, *, transactional: bool) -> Iterator[None]:
    point_at(store.work)
    try:
        yield
    finally:
        point_at(store.base)
        if transactional:
            store.restore()
