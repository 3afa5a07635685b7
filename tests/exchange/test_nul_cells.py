"""A NUL character inside an imported cell (PostgreSQL cannot store one) is a row error that names
the cell, on the web, in the API and from the command line alike, never a crash."""

from __future__ import annotations

from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import NegativeRecord
from greenlist.scoping import unscoped
from tests.conftest import new_uscc
from tests.exchange.workbooks import write_csv


def _records(path):
    return write_csv(
        path,
        [
            {"统一社会信用代码": new_uscc(), "名称": "正常公司", "类型": "偷漏税", "开始日期": "2023-01-01"},
            {
                "统一社会信用代码": new_uscc(),
                "名称": "空字\x00符公司",
                "类型": "偷漏税",
                "开始日期": "2023-01-01",
            },
        ],
    )


def test_a_nul_inside_a_cell_is_a_row_error_and_nothing_is_imported(tmp_path, batch):
    with unscoped():
        before = NegativeRecord.objects.count()

    report = import_workbook(_records(tmp_path / "负面记录.csv"), batch=batch)

    # The upload inspection meets the NUL first: the whole file is refused, saying what to fix.
    assert not report.ok
    assert [("空字符（NUL）" in e.reason, "另存为" in e.reason) for e in report.errors] == [(True, True)]
    with unscoped():
        assert NegativeRecord.objects.count() == before


def test_the_api_upload_answers_a_nul_cell_with_400_and_the_row(personas, tmp_path):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(personas.province, 'test')}")
    with _records(tmp_path / "负面记录.csv").open("rb") as handle:
        response = client.post("/api/workbooks", {"file": handle})

    assert response.status_code == 400
    assert "空字符（NUL）" in response.json()["detail"]
