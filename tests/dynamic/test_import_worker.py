"""The filings import in a real `greenlist worker` process (the same worker as the exchange
import, no fork of it): queued by the page, run by the worker, the filings written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tasks_db.models import DBTaskResult

from greenlist.campaign.models import Job
from greenlist.dynamic.models import Filing, FilingState
from greenlist.scoping import unscoped
from greenlist.worker.chores import QUEUES
from tests.campaign.test_worker import Workers, _job, _wait
from tests.dynamic.test_filing_rules import good_values
from tests.dynamic.test_import_and_reminders import shijiazhuang_entries, workbook

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_workers(settings: Any, tmp_path: Path) -> Iterator[Workers]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": list(QUEUES)}}
    settings.GREENLIST_PROGRESS_STORE = "file" if connection.vendor == "sqlite" else "database"
    settings.MEDIA_ROOT = tmp_path / "media"
    pool = Workers(tmp_path, settings.MEDIA_ROOT)
    yield pool
    pool.stop_all()


def test_a_worker_process_imports_the_citys_filings(real_workers, personas):
    entries = shijiazhuang_entries()[:2]
    content = workbook([{"uscc": e.uscc, **good_values()} for e in entries])
    response = personas.client(personas.city_a).post(
        "/dynamic/import/?cycle=2025", {"file": SimpleUploadedFile("动态管理表.xlsx", content)}
    )
    assert response.status_code == 302
    job = Job.objects.get(kind=Job.Kind.FILINGS)
    assert _job(job.pk).status == Job.Status.QUEUED
    real_workers.start()
    _wait(lambda: _job(job.pk).status not in (Job.Status.QUEUED, Job.Status.RUNNING), "the job to finish")
    done = _job(job.pk)
    assert (done.status, done.result["written"]) == (Job.Status.DONE, 2)
    assert DBTaskResult.objects.get(id=done.task_id).status == "SUCCESSFUL"
    with unscoped():
        assert set(Filing.objects.values_list("entry_id", "state")) == {
            (e.pk, FilingState.SUBMITTED) for e in entries
        }
