"""The city's workbook of filings (all or nothing, row errors) and the filing reminders."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Job, Notification
from greenlist.dynamic import service
from greenlist.dynamic.importer import KEY_HEADERS, SHEET, template_bytes
from greenlist.dynamic.models import Filing, FilingState
from greenlist.dynamic.reminders import queue_filing_reminders
from greenlist.registry.models import ProvincialListEntry
from greenlist.scoping import unscoped
from tests.dynamic.conftest import entry_of
from tests.dynamic.test_filing_rules import good_values

pytestmark = pytest.mark.django_db


def workbook(rows: list[dict[str, str]]) -> bytes:
    form = service.form("dynamic-form-v1")
    headers = [*KEY_HEADERS, *(f.name for f in form.fields)]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(headers)
    for row in rows:
        by_name = {f.name: row.get(f.code, "") for f in form.fields}
        sheet.append(
            [
                row["uscc"],
                row.get("name", ""),
                "绿色工厂",
                row.get("level", "省级"),
                *(by_name.get(h, "") for h in headers[4:]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shijiazhuang_entries() -> list[ProvincialListEntry]:
    with unscoped():
        return list(ProvincialListEntry.objects.filter(unit__name="石家庄市").order_by("pk"))


def post(personas, content: bytes, capture):
    """Upload as the Shijiazhuang city; the queued job runs when the request's transaction
    commits (the test settings run tasks at once, as a worker would)."""
    with capture(execute=True):
        return personas.client(personas.city_a).post(
            "/dynamic/import/?cycle=2025", {"file": SimpleUploadedFile("动态管理表.xlsx", content)}
        )


def job_of(response) -> Job:
    assert response.status_code == 302
    assert response.url.startswith("/jobs/")
    return Job.objects.get(pk=int(response.url.split("/")[2]))


def test_the_template_has_one_column_per_field_of_the_form(personas):
    form = service.form("dynamic-form-v1")
    book = load_workbook(io.BytesIO(template_bytes(service.cycle(2025), form)))
    header = [c.value for c in book[SHEET][1]]
    assert header == [*KEY_HEADERS, *(f.name for f in form.fields)]
    response = personas.client(personas.city_a).get("/dynamic/import/template.xlsx?cycle=2025")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["填写说明", SHEET]


def test_a_good_workbook_files_every_row_as_handed_in(personas, django_capture_on_commit_callbacks):
    entries = shijiazhuang_entries()
    response = post(
        personas,
        workbook([{"uscc": e.uscc, **good_values()} for e in entries[:3]]),
        django_capture_on_commit_callbacks,
    )
    job = job_of(response)
    assert (job.kind, job.status, job.result["written"]) == (Job.Kind.FILINGS, Job.Status.DONE, 3)
    with unscoped():
        filings = Filing.objects.filter(unit__name="石家庄市")
        assert sorted(filings.values_list("entry_id", flat=True)) == [e.pk for e in entries[:3]]
        assert set(filings.values_list("state", flat=True)) == {FilingState.SUBMITTED}
    assert AuditEvent.objects.filter(action=Action.FILINGS_IMPORTED).count() == 1
    assert AuditEvent.objects.filter(action=Action.FILING_SUBMITTED).count() == 3


def test_one_bad_row_imports_nothing_and_every_error_names_its_row_and_column(
    personas, django_capture_on_commit_callbacks
):
    entries = shijiazhuang_entries()
    tangshan = entry_of(personas.org_y)
    rows = [
        {"uscc": entries[0].uscc, **good_values()},
        {"uscc": entries[1].uscc, **good_values(renewable_share="130")},
        {"uscc": tangshan.uscc, **good_values()},
        {"uscc": entries[0].uscc, **good_values()},
    ]
    job = job_of(post(personas, workbook(rows), django_capture_on_commit_callbacks))
    assert job.status == Job.Status.FAILED
    assert not job.retryable  # bad rows: the file must be corrected, not run again
    errors = [(e["row"], e["column"], e["reason"]) for e in job.result["errors"]]
    assert errors == [
        (3, "可再生能源使用比例", "“可再生能源使用比例”不得大于 100"),
        (4, "统一社会信用代码", "不是本市本周期应填报的有效名单单位（请核对代码、类别和级别）"),
        (5, "统一社会信用代码", "与第2行重复"),
    ]
    page = personas.client(personas.city_a).get(f"/jobs/{job.pk}/").content.decode()
    assert "共 3 处错误" in page
    assert "与第2行重复" in page
    with unscoped():
        assert not Filing.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=[Action.FILINGS_IMPORTED, Action.FILING_SUBMITTED]
    ).exists()


def test_a_file_without_the_sheet_is_refused_as_a_whole(personas, django_capture_on_commit_callbacks):
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    job = job_of(post(personas, buffer.getvalue(), django_capture_on_commit_callbacks))
    assert job.status == Job.Status.FAILED
    assert "没有名为“动态管理表”的工作表" in job.result["fatal"]
    assert not job.retryable
    page = personas.client(personas.city_a).get(f"/jobs/{job.pk}/").content.decode()
    assert "没有名为“动态管理表”的工作表" in page


def test_reminders_go_to_units_not_filed_once_per_mark(personas, cycle):
    with unscoped():
        personas.applicant_x.email = "x@example.com"
        personas.applicant_x.save()
        personas.applicant_y.email = "y@example.com"
        personas.applicant_y.save()
        personas.city_a.email = "a@example.com"
        personas.city_a.save()
    on_time = cycle.filing_deadline - dt.timedelta(days=10)
    service.save_filing(
        entry_of(personas.org_y), cycle, good_values(), actor=personas.applicant_y, submit=True, now=on_time
    )
    two_days_before = cycle.filing_deadline - dt.timedelta(days=2)
    first = queue_filing_reminders(cycle, two_days_before)
    again = queue_filing_reminders(cycle, two_days_before + dt.timedelta(hours=5))
    assert (first, again) == (2, 0)
    notices = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(notices) == {"p_applicant_x", "p_city_a"}
    assert "剩余不足3天" in notices["p_applicant_x"].subject
    assert "尚有 5 家名单单位未提交" in notices["p_city_a"].body
    assert AuditEvent.objects.filter(action=Action.FILING_REMINDERS_QUEUED).count() == 1
    # the next mark (1 day) reminds again, once
    last_day = cycle.filing_deadline - dt.timedelta(hours=12)
    assert queue_filing_reminders(cycle, last_day) == 2
    assert queue_filing_reminders(cycle, last_day) == 0
    # outside any mark, and after the deadline, nothing
    assert queue_filing_reminders(cycle, cycle.filing_deadline - dt.timedelta(days=30)) == 0
    assert queue_filing_reminders(cycle, cycle.filing_deadline + dt.timedelta(days=1)) == 0


def test_the_reminder_command_names_the_cycle_and_refuses_an_unknown_one(personas, capsys):
    from django.core.management import CommandError, call_command

    call_command("filing_reminders", "--cycle", "2025")
    assert "2025年度绿色制造名单单位动态管理：新排队提醒 0 封" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("filing_reminders", "--cycle", "1999")
