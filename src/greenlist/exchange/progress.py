"""A running job's progress and heartbeat, committed outside the import's own transaction.

The import is one transaction (all or nothing), so progress written through the same connection
would stay invisible until the end and the page's bar would never move. Two stores:

- ``database`` (PostgreSQL): the "progress" database alias, a second connection to the same
  database in autocommit mode; it updates only the Job row, which the import never touches, so
  the two connections never wait on each other.
- ``file`` (SQLite): SQLite has one writer at a time and the import holds it for its whole
  transaction, so a second connection could only wait. The progress goes to a small JSON file
  beside the job's upload (replaced atomically), and readers lay it over the row.

``settings.GREENLIST_PROGRESS_STORE`` picks one (by default from the database engine).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from greenlist.campaign.models import Job

PROGRESS_ALIAS = "progress"
FILE_NAME = "progress.json"
# The import and its heartbeat thread both update the file: one read-modify-write at a time.
_file_lock = threading.Lock()


def _uses_file() -> bool:
    return str(settings.GREENLIST_PROGRESS_STORE) == "file"


def _path(job: Job) -> Path:
    return Path(job.file).parent / FILE_NAME


def write(job: Job, **fields: Any) -> None:
    """Record ``stage``, ``done``, ``total`` and/or ``heartbeat_at`` for a running job, visible
    at once to other connections and processes."""
    if _uses_file():
        path = _path(job)
        with _file_lock:
            current = _read_file(path)
            current.update(
                {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in fields.items()}
            )
            temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}")
            temporary.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)  # readers see the old or the new file, never half of one
    else:
        Job.objects.using(PROGRESS_ALIAS).filter(pk=job.pk).update(**fields)


def beat(job: Job) -> None:
    write(job, heartbeat_at=timezone.now())


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def live(job: Job) -> Job:
    """``job`` with its latest progress (from the file store, while it runs). Returns the same
    object, updated in memory only."""
    if _uses_file() and job.status == Job.Status.RUNNING:
        data = _read_file(_path(job))
        for name in ("stage", "done", "total"):
            if name in data:
                setattr(job, name, data[name])
        if data.get("heartbeat_at"):
            job.heartbeat_at = dt.datetime.fromisoformat(data["heartbeat_at"])
    return job


def clear(job: Job) -> None:
    if _uses_file():
        _path(job).unlink(missing_ok=True)
