from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from greenlist.accounts.tokens import issue_token
from greenlist.registry.models import BlacklistEntry, NegativeRecord
from greenlist.scoping import unscoped
from tests.conftest import new_uscc
from tests.exchange.workbooks import write_csv
from tests.factories import dishonest


def api(personas, who):
    token = issue_token(getattr(personas, who), "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_openapi_document_and_docs_are_served(db):
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "greenlist API"
    assert "/api/applications" in schema["paths"] and "/api/workbooks" in schema["paths"]
    assert Client().get("/api/docs").status_code == 200


def test_no_token_or_a_wrong_one_is_refused(personas):
    assert Client().get("/api/applications").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer gl_wrong").get("/api/applications").status_code == 401


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("province", {"石家庄甲公司", "唐山乙公司"}),
        ("city_a", {"石家庄甲公司"}),
        ("city_b", {"唐山乙公司"}),
        ("applicant_y", {"唐山乙公司"}),
        ("evaluator", {"石家庄甲公司"}),
    ],
)
def test_applications_are_scoped_like_the_web(personas, who, names):
    assert {a["name"] for a in api(personas, who).get("/api/applications").json()} == names


def test_detail_carries_findings_and_hides_other_units(personas):
    city = api(personas, "city_a")
    detail = city.get(f"/api/applications/{personas.app_x.pk}").json()
    assert detail["eligible"] is True and not [f for f in detail["findings"] if f["effect"] == "exclude"]
    dishonest(personas.org_x)
    detail = city.get(f"/api/applications/{personas.app_x.pk}").json()
    assert detail["eligible"] is False and [
        f["rule"] for f in detail["findings"] if f["effect"] == "exclude"
    ] == ["E6"]
    assert city.get(f"/api/applications/{personas.app_y.pk}").status_code == 404


def test_quotas_and_evaluators_are_for_units_and_the_province(personas):
    assert [q["unit"] for q in api(personas, "city_b").get("/api/quotas").json()] == ["唐山市"]
    assert len(api(personas, "province").get("/api/quotas").json()) == 14
    assert api(personas, "applicant_x").get("/api/quotas").status_code == 403
    loads = api(personas, "city_a").get("/api/evaluators").json()
    assert (loads[0]["projects"], loads[0]["accepted"]) == (1, True)
    with unscoped():
        BlacklistEntry.objects.create(
            evaluator_uscc=personas.evaluator_org.uscc, listed_on="2024-01-10", reason="弄虚作假"
        )
    loads = api(personas, "city_a").get("/api/evaluators").json()
    assert (loads[0]["accepted"], [r["rule"] for r in loads[0]["reasons"]]) == (False, ["V2"])
    assert api(personas, "evaluator").get("/api/evaluators").status_code == 403


def test_a_workbook_upload_is_a_job_all_or_nothing(personas, tmp_path, django_capture_on_commit_callbacks):
    province = api(personas, "province")
    good = write_csv(
        tmp_path / "负面记录.csv",
        [{"统一社会信用代码": new_uscc(), "名称": "某公司", "类型": "偷漏税", "开始日期": "2023-01-01"}],
    )
    # The job is queued after the upload commits; tests run tasks at once (immediate backend).
    with good.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = province.post("/api/workbooks", {"file": handle})
    assert response.status_code == 202
    job = response.json()
    assert job["url"] == f"/api/jobs/{job['id']}"
    done = province.get(job["url"]).json()
    assert done["status"] == "done" and done["percent"] == 100
    assert done["result"]["counts"]["负面记录"] == {"created": 1}
    bad = write_csv(
        tmp_path / "x-负面记录.csv",
        [{"统一社会信用代码": "1", "名称": "某", "类型": "偷漏税", "开始日期": "2023-01-01"}],
    )
    with unscoped():
        before = NegativeRecord.objects.count()
    with bad.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = province.post("/api/workbooks", {"file": handle})
    assert response.status_code == 202
    failed = province.get(response.json()["url"]).json()
    assert failed["status"] == "failed" and failed["result"]["errors"][0]["row"] == 2
    with unscoped():
        assert NegativeRecord.objects.count() == before
    with good.open("rb") as handle:
        assert api(personas, "applicant_x").post("/api/workbooks", {"file": handle}).status_code == 403


def test_a_job_is_seen_by_its_owner_and_the_province_only(personas, tmp_path):
    good = write_csv(
        tmp_path / "负面记录.csv",
        [{"统一社会信用代码": new_uscc(), "名称": "某公司", "类型": "偷漏税", "开始日期": "2023-01-01"}],
    )
    with good.open("rb") as handle:
        url = api(personas, "city_a").post("/api/workbooks", {"file": handle}).json()["url"]
    assert api(personas, "city_a").get(url).status_code == 200
    assert api(personas, "province").get(url).status_code == 200
    assert api(personas, "city_b").get(url).status_code == 404
    assert api(personas, "city_b").get("/api/jobs/999999").status_code == 404


def test_the_openapi_document_describes_the_import_job(db):
    schema = Client().get("/api/openapi.json").json()
    upload = schema["paths"]["/api/workbooks"]["post"]["responses"]
    assert "202" in upload
    assert "200" not in upload
    assert "/api/jobs/{job_id}" in schema["paths"]


def test_the_token_command_prints_a_working_token(personas, capsys):
    call_command("token", "create", "p_city_a")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/quotas").status_code == 200
