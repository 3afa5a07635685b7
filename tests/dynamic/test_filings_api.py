"""GET /api/dynamic/filings: the filings a caller may see, scoped like the pages, read only."""

from __future__ import annotations

import pytest
from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing
from greenlist.scoping import unscoped
from tests.dynamic.conftest import entry_of
from tests.dynamic.test_filing_rules import good_values

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user, 'test')}")


def names(response) -> list[str]:
    assert response.status_code == 200
    return sorted(row["name"] for row in response.json())


def test_each_role_sees_the_filings_its_pages_show(filed):
    x, y = entry_of(filed.org_x), entry_of(filed.org_y)
    both = sorted([x.name, y.name])
    assert names(api(filed.province).get("/api/dynamic/filings?cycle=2025")) == both
    assert names(api(filed.city_a).get("/api/dynamic/filings?cycle=2025")) == [x.name]
    assert names(api(filed.city_b).get("/api/dynamic/filings?cycle=2025")) == [y.name]
    assert names(api(filed.dept_a).get("/api/dynamic/filings?cycle=2025")) == [x.name]
    assert names(api(filed.applicant_y).get("/api/dynamic/filings?cycle=2025")) == [y.name]
    # A unit filter narrows the caller's own view, never widens it.
    assert names(api(filed.province).get("/api/dynamic/filings?cycle=2025&unit=唐山市")) == [y.name]
    assert names(api(filed.city_a).get("/api/dynamic/filings?cycle=2025&unit=唐山市")) == []
    assert api(filed.evaluator).get("/api/dynamic/filings?cycle=2025").status_code == 403


def test_a_row_carries_the_table_its_state_and_its_flags(filed):
    response = api(filed.city_a).get("/api/dynamic/filings?cycle=2025")
    (row,) = response.json()
    with unscoped():
        filing = Filing.objects.get(entry=entry_of(filed.org_x))
    assert (row["id"], row["uscc"], row["unit"], row["state"], row["state_label"]) == (
        filing.pk,
        filed.org_x.uscc,
        "石家庄市",
        "submitted",
        "已提交待审核",
    )
    assert row["values"] == filing.values
    expected = [f.rule for f in service.flags(filing.entry, service.cycle(2025), filing)]
    assert [f["rule"] for f in row["flags"]] == expected


def test_a_draft_is_seen_by_its_applicant_only(personas, cycle):
    result = service.save_filing(
        entry_of(personas.org_x), cycle, good_values(), actor=personas.applicant_x, submit=False
    )
    assert result.errors == {}
    (own,) = api(personas.applicant_x).get("/api/dynamic/filings?cycle=2025").json()
    assert (own["state"], own["flags"]) == ("draft", [])
    assert api(personas.city_a).get("/api/dynamic/filings?cycle=2025").json() == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("cycle=1999", "没有该年度的动态管理周期"),
        ("cycle=abc", "没有该年度的动态管理周期"),
        ("unit=火星市", "推荐单位“火星市”不存在"),
    ],
)
def test_a_bad_parameter_is_a_400_in_chinese(personas, query, message):
    response = api(personas.province).get(f"/api/dynamic/filings?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]
