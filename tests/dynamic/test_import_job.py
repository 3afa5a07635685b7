"""The filings workbook as a worker job: upload → inspection → queued job → the worker's import
with progress → the job page and API. Authority is checked again in the worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Job
from greenlist.dynamic import importer, service
from greenlist.dynamic.jobs import start_filings_import
from greenlist.dynamic.models import Filing, FilingState
from greenlist.exchange import jobs, progress
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import unscoped
from tests.dynamic.test_filing_rules import good_values
from tests.dynamic.test_import_and_reminders import job_of, post, shijiazhuang_entries, workbook

pytestmark = pytest.mark.django_db


def _queued(personas: Any, content: bytes) -> Job:
    """A job queued by the Shijiazhuang city, not yet run (its on-commit enqueue is dropped)."""
    return start_filings_import(
        name="动态管理表.xlsx", chunks=[content], the_cycle=service.cycle(2025), actor=personas.city_a
    )


def test_the_upload_is_queued_run_by_the_worker_and_shown_on_the_job_page(
    personas, django_capture_on_commit_callbacks
):
    entries = shijiazhuang_entries()[:2]
    response = post(
        personas,
        workbook([{"uscc": e.uscc, **good_values()} for e in entries]),
        django_capture_on_commit_callbacks,
    )
    job = job_of(response)
    assert (job.kind, job.params, job.unit_id, job.created_by_id) == (
        Job.Kind.FILINGS,
        {"cycle": 2025},
        personas.city_a.unit_id,
        personas.city_a.pk,
    )
    assert job.task_id  # the worker's task row, as for an exchange import
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 2, 2, 100)
    assert job.result == {"ok": True, "rows": 2, "written": 2, "error_count": 0, "errors": []}
    queued = AuditEvent.objects.get(action=Action.JOB_QUEUED, object_id=str(job.pk))
    assert (queued.actor_id, queued.details) == (personas.city_a.pk, {"kind": "filings", "cycle": 2025})
    imported = AuditEvent.objects.get(action=Action.FILINGS_IMPORTED)
    assert (imported.actor_id, imported.details["written"]) == (personas.city_a.pk, 2)
    with unscoped():
        assert set(Filing.objects.values_list("entry_id", "state")) == {
            (e.pk, FilingState.SUBMITTED) for e in entries
        }
    page = personas.client(personas.city_a).get(f"/jobs/{job.pk}/").content.decode()
    assert "导入动态管理表" in page
    assert "已导入 2 家单位的动态管理表" in page
    listing = personas.client(personas.city_a).get("/dynamic/import/?cycle=2025").content.decode()
    assert f"/jobs/{job.pk}/" in listing
    # The exchange import page lists exchange imports only.
    assert f"/jobs/{job.pk}/" not in personas.client(personas.city_a).get("/import/").content.decode()
    token = issue_token(personas.city_a, "test")
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/jobs/{job.pk}").json()
    assert (answer["kind"], answer["status"], answer["percent"], answer["result"]["written"]) == (
        "filings",
        "done",
        100,
        2,
    )


def test_the_job_records_progress_that_moves_through_checking_then_writing(personas, monkeypatch):
    entries = shijiazhuang_entries()[:3]
    job = _queued(personas, workbook([{"uscc": e.uscc, **good_values()} for e in entries]))
    recorded: list[tuple[str, int, int]] = []
    real = progress.write

    def spy(the_job: Job, **fields: Any) -> None:
        if "stage" in fields:  # the heartbeat thread writes only its time
            recorded.append((fields["stage"], fields["done"], fields["total"]))
        real(the_job, **fields)

    monkeypatch.setattr(progress, "write", spy)
    jobs.run(job.pk, worker="test")
    assert recorded == [
        (importer.CHECKING, 1, 3),
        (importer.CHECKING, 2, 3),
        (importer.CHECKING, 3, 3),
        (importer.WRITING, 1, 3),
        (importer.WRITING, 2, 3),
        (importer.WRITING, 3, 3),
    ]
    job.refresh_from_db()
    assert (job.status, job.stage, job.done, job.total) == (Job.Status.DONE, "完成", 3, 3)


def test_a_bad_row_changes_nothing_and_the_job_lists_every_bad_row(personas):
    entries = shijiazhuang_entries()
    job = _queued(
        personas,
        workbook(
            [
                {"uscc": entries[0].uscc, **good_values()},
                {"uscc": entries[1].uscc, **good_values(renewable_share="130")},
                {"uscc": entries[2].uscc, **good_values(renewable_share="-1")},
            ]
        ),
    )
    before = AuditEvent.objects.count()
    jobs.run(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [
        (3, "可再生能源使用比例"),
        (4, "可再生能源使用比例"),
    ]
    with unscoped():
        assert not Filing.objects.exists()
    assert AuditEvent.objects.count() == before
    page = personas.client(personas.city_a).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "共 2 处错误" in page
    assert "不得大于 100" in page


def test_another_citys_row_is_refused_in_the_worker(personas, django_capture_on_commit_callbacks):
    with unscoped():
        other = (
            service.entries(service.cycle(2025))
            .exclude(unit_id=personas.city_a.unit_id)
            .select_related("unit")
            .first()
        )
    assert other is not None
    content = workbook(
        [{"uscc": shijiazhuang_entries()[0].uscc, **good_values()}, {"uscc": other.uscc, **good_values()}]
    )
    job = job_of(post(personas, content, django_capture_on_commit_callbacks))
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["column"], e["reason"]) for e in job.result["errors"]] == [
        (3, "统一社会信用代码", "不是本市本周期应填报的有效名单单位（请核对代码、类别和级别）")
    ]
    with unscoped():
        assert not Filing.objects.exists()


def test_the_worker_refuses_a_job_whose_actor_left_the_city(personas):
    job = _queued(personas, workbook([{"uscc": shijiazhuang_entries()[0].uscc, **good_values()}]))
    # Moved to another city after uploading: the job still names Shijiazhuang.
    with unscoped():
        personas.city_a.unit = RecommendingUnit.objects.exclude(pk=personas.city_a.unit_id).first()
    personas.city_a.save()
    jobs.run(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "账号或所属单位已变更" in job.result["fatal"]
    assert not job.retryable  # the upload is gone: a new upload by the right account is needed
    with unscoped():
        assert not Filing.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.FILINGS_IMPORTED).exists()


def test_a_file_that_is_not_a_workbook_is_refused_at_upload_and_no_job_is_queued(personas):
    response = personas.client(personas.city_a).post(
        "/dynamic/import/?cycle=2025", {"file": SimpleUploadedFile("动态管理表.xlsx", b"not a workbook")}
    )
    assert response.status_code == 200
    assert "未导入" in response.content.decode()
    assert not Job.objects.exists()


def test_only_a_city_may_queue_a_filings_import(personas):
    content = workbook([{"uscc": shijiazhuang_entries()[0].uscc, **good_values()}])
    for user in (personas.province, personas.applicant_x):
        client = personas.client(user)
        client.raise_request_exception = False
        response = client.post(
            "/dynamic/import/?cycle=2025", {"file": SimpleUploadedFile("动态管理表.xlsx", content)}
        )
        assert response.status_code == 403
    assert not Job.objects.exists()
