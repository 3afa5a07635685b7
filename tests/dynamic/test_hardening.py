"""Holes found in review: numbers that are finite but absurd (an exponent of a billion, forty
digits, thirty decimals) are refused as field errors on every door, and an import whose write
is refused half-way (a filing handed in meanwhile) rolls back and says so instead of failing."""

from __future__ import annotations

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.decisions.refusals import RuleRefused
from greenlist.dynamic import importer, service
from greenlist.dynamic.models import Filing
from greenlist.rules import filing as rules
from greenlist.scoping import unscoped
from tests.dynamic.conftest import entry_of
from tests.dynamic.test_filing_rules import good_values
from tests.dynamic.test_import_and_reminders import job_of, post, shijiazhuang_entries, workbook

pytestmark = pytest.mark.django_db

ABSURD = ["1e999999999", "9" * 40, "0." + "0" * 30 + "1", "1E+16"]


@pytest.mark.parametrize("raw", ABSURD)
def test_an_absurd_number_is_a_field_error(raw):
    form = service.form("dynamic-form-v1")
    clean, errors = rules.check_values(form, "factory", good_values(water_intake=raw))
    assert "water_intake" in errors
    assert "取水量" in errors["water_intake"]
    assert "water_intake" not in clean


def test_ordinary_numbers_still_pass():
    form = service.form("dynamic-form-v1")
    clean, errors = rules.check_values(
        form,
        "factory",
        good_values(water_intake="123456789012.5", energy_intensity="0.000123", land_output="-0e-999999999"),
    )
    assert errors == {}
    assert (clean["water_intake"], clean["energy_intensity"], clean["land_output"]) == (
        "123456789012.5",
        "0.000123",
        "0",
    )


def test_an_absurd_number_on_the_web_form_saves_nothing(personas, cycle):
    entry = entry_of(personas.org_x)
    data = {**good_values(output_value="1e999999999"), "action": "submit"}
    response = personas.client(personas.applicant_x).post(
        f"/dynamic/entries/{entry.pk}/file/?cycle=2025", data
    )
    assert response.status_code == 200
    assert "工业总产值" in response.content.decode()
    with unscoped():
        assert not Filing.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.FILING_SUBMITTED).exists()


def test_an_absurd_number_in_an_import_is_a_row_error(personas, django_capture_on_commit_callbacks):
    entries = shijiazhuang_entries()
    content = workbook([{"uscc": entries[0].uscc, **good_values(co2_total="9" * 40)}])
    job = job_of(post(personas, content, django_capture_on_commit_callbacks))
    errors = [(e["row"], e["column"]) for e in job.result["errors"]]
    assert errors == [(2, "二氧化碳排放量")]
    with unscoped():
        assert not Filing.objects.exists()


def test_an_import_refused_half_way_writes_nothing_and_answers_with_a_message(
    personas, monkeypatch, django_capture_on_commit_callbacks
):
    entries = shijiazhuang_entries()
    real = service.save_filing
    calls: list[int] = []

    def save_then_refuse(entry, *args, **kwargs):
        calls.append(entry.pk)
        if len(calls) == 2:  # the second unit handed its own table in since the rows were checked
            raise RuleRefused(f"{entry.name} 的动态管理表状态为“已提交待审核”，不能修改。")
        return real(entry, *args, **kwargs)

    monkeypatch.setattr(importer.service, "save_filing", save_then_refuse)
    content = workbook([{"uscc": e.uscc, **good_values()} for e in entries[:3]])
    job = job_of(post(personas, content, django_capture_on_commit_callbacks))
    assert "不能修改" in job.result["fatal"]
    page = personas.client(personas.city_a).get(f"/jobs/{job.pk}/").content.decode()
    assert "不能修改" in page
    with unscoped():
        assert not Filing.objects.exists()
        assert not AuditEvent.objects.filter(
            action__in=[Action.FILINGS_IMPORTED, Action.FILING_SUBMITTED]
        ).exists()


def test_the_on_site_findings_are_in_the_trail(filed):
    import datetime as dt

    from greenlist.dynamic.models import OnSiteCheck

    service.review(filed.filing_x, "onsite", actor=filed.city_a, assignee="张三", due_on=dt.date(2025, 3, 20))
    with unscoped():
        check = OnSiteCheck.objects.get(filing=filed.filing_x)
    service.record_onsite(check, actor=filed.city_a, findings="关键指标属实，已整改")
    with unscoped():
        event = AuditEvent.objects.get(action=Action.ONSITE_RECORDED)
    assert event.details["findings"] == "关键指标属实，已整改"
    assert event.details["from"] == "ordered"
    assert event.details["to"] == "done"


def test_a_score_overwritten_by_an_accepted_filing_keeps_the_old_one_in_the_trail(filed, cycle):
    from decimal import Decimal

    from greenlist.registry.models import UnitScore

    with unscoped():
        UnitScore.objects.create(
            entry=entry_of(filed.org_x), year=cycle.data_year, score=Decimal("71.5"), source="evaluation"
        )
    service.review(filed.filing_x, "accepted", actor=filed.city_a)
    with unscoped():
        event = AuditEvent.objects.get(action=Action.FILING_ACCEPTED)
        stored = UnitScore.objects.get(entry=entry_of(filed.org_x), year=cycle.data_year)
    assert event.details["score"] == str(stored.score.normalize())
    assert event.details["previous_score"] == {"score": "71.50", "source": "evaluation"}


@pytest.mark.parametrize("due_on", ["0001-01-01", "9999-12-31", "1900-03-20"])
def test_an_on_site_check_dated_out_of_range_is_refused_and_nothing_changes(filed, due_on):
    from greenlist.dynamic.models import FilingState, OnSiteCheck

    response = filed.client(filed.city_a).post(
        f"/dynamic/filings/{filed.filing_x.pk}/review/",
        {"decision": "onsite", "assignee": "张三", "due_on": due_on, "reason": "核实"},
        follow=True,
    )
    assert "核查日期" in response.content.decode()
    with unscoped():
        assert Filing.objects.get(pk=filed.filing_x.pk).state == FilingState.SUBMITTED
        assert not OnSiteCheck.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.ONSITE_ORDERED).exists()


def test_a_column_given_twice_is_refused_and_nothing_written(personas, django_capture_on_commit_callbacks):
    import io

    from openpyxl import load_workbook

    entries = shijiazhuang_entries()
    book = load_workbook(io.BytesIO(workbook([{"uscc": entries[0].uscc, **good_values()}])))
    sheet = book[importer.SHEET]
    # A second 取水量 column, with another value: which one counts cannot be guessed.
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="取水量")
    sheet.cell(row=2, column=column, value="1")
    buffer = io.BytesIO()
    book.save(buffer)
    job = job_of(post(personas, buffer.getvalue(), django_capture_on_commit_callbacks))
    errors = [(e["row"], e["column"]) for e in job.result["errors"]]
    assert errors == [(1, "取水量")]
    assert "重复" in job.result["errors"][0]["reason"]
    with unscoped():
        assert not Filing.objects.exists()


@pytest.mark.parametrize("raw", ["abc", "1e999999999", "12,5元"])
def test_a_bad_value_beside_last_year_s_is_shown_as_an_error_not_a_failure(personas, cycle, raw):
    entry = entry_of(personas.org_x)
    with unscoped():
        Filing.objects.create(
            entry=entry,
            cycle_year=cycle.year - 1,
            form_version=cycle.form_version,
            values=good_values(),
            state="accepted",
        )
    data = {**good_values(output_value=raw), "action": "submit"}
    client = personas.client(personas.applicant_x)
    client.raise_request_exception = False
    response = client.post(f"/dynamic/entries/{entry.pk}/file/?cycle={cycle.year}", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "工业总产值" in page
    assert "需要更正" in page
    with unscoped():
        assert not Filing.objects.filter(cycle_year=cycle.year).exists()


def test_a_city_account_without_a_unit_is_refused_on_import(personas):
    from greenlist.accounts.models import Role
    from tests.conftest import make_user

    with unscoped():
        stray = make_user("city_without_unit", Role.CITY)
    entries = shijiazhuang_entries()
    client = personas.client(stray)
    client.raise_request_exception = False
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = workbook([{"uscc": entries[0].uscc, **good_values()}])
    response = client.post(
        "/dynamic/import/?cycle=2025", {"file": SimpleUploadedFile("动态管理表.xlsx", content)}
    )
    assert response.status_code == 403
    with unscoped():
        assert not Filing.objects.exists()
