from __future__ import annotations

import pytest

from greenlist.campaign.models import Batch
from greenlist.registry.models import NegativeRecord
from greenlist.scoping import unscoped
from tests.exchange.workbooks import write_csv
from tests.web.conftest import login


def test_a_city_sees_its_findings_with_clauses_quota_and_evaluator_loads(demo, client):
    response = login(client, "city_shijiazhuang").get("/screening/")
    page = response.content.decode()
    assert "筛查结果" in page and "石家庄市" in page
    assert [q["result"].unit.name for q in response.context["quotas"]] == ["石家庄市"]
    assert {r.application.unit for r in response.context["rows"]} == {"石家庄市"}
    assert "依据：一、总体要求" in page  # clause next to an exclusion
    cap = Batch.current().parameters.evaluator_cap
    assert "推荐名额" in page and "第三方评价机构" in page and f"/ {cap}" in page


def test_the_province_filters_by_unit_and_sees_every_unit(demo, client):
    login(client, "province")
    everything = client.get("/screening/").content.decode()
    assert "唐山市" in everything and "雄安新区" in everything
    only = client.get("/screening/", {"unit": "唐山市", "show": "excluded"}).content.decode()
    assert "不得推荐" in only


def test_a_city_cannot_ask_for_another_unit(demo, client):
    assert login(client, "city_tangshan").get("/screening/", {"unit": "石家庄市"}).status_code == 404


@pytest.mark.parametrize("username", ["applicant", "evaluator", "dept_shijiazhuang_ecology_environment"])
def test_screening_and_import_are_refused_to_other_roles(demo, client, username):
    login(client, username)
    assert client.get("/screening/").status_code == 403
    assert client.get("/import/").status_code == 403


def test_the_rule_catalogue_lists_every_rule_id_with_its_clause(demo, client):
    page = login(client, "applicant").get("/rules/").content.decode()
    for rule in [
        "E1",
        "E2",
        "E3",
        "E4",
        "E5",
        "E6",
        "F1",
        "F2",
        "F3",
        "P1",
        "P2",
        "S1",
        "S2",
        "V1",
        "V2",
        "V3",
        "V4",
        "Q1",
        "C1",
        "D1",
        "R1",
        "R2",
    ]:
        assert f'id="rule-{rule}"' in page
    assert "近三年企业被列为失信被执行人的，不得推荐。" in page


def test_an_import_through_the_page_changes_the_screening_at_once(
    demo, client, tmp_path, django_capture_on_commit_callbacks
):
    login(client, "province")
    target = next(
        r for r in client.get("/screening/", {"unit": "衡水市", "show": "eligible"}).context["rows"]
    )
    path = write_csv(
        tmp_path / "负面记录.csv",
        [
            {
                "统一社会信用代码": target.application.uscc,
                "名称": target.application.name,
                "类型": "失信被执行人",
                "开始日期": "2024-01-02",
                "来源": "中国执行信息公开网",
            }
        ],
    )
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/import/", {"file": handle})
    response = client.get(response["Location"])
    assert "导入成功" in response.content.decode()
    after = client.get(f"/applications/{target.key}/").content.decode()
    assert "不得推荐" in after and "E6" in after and "2024-01-02" in after


def test_a_bad_upload_lists_its_rows_and_changes_nothing(
    demo, client, tmp_path, django_capture_on_commit_callbacks
):
    login(client, "province")
    with unscoped():
        before = NegativeRecord.objects.count()
    path = write_csv(
        tmp_path / "负面记录.csv",
        [{"统一社会信用代码": "bad", "名称": "某", "类型": "偷漏税", "开始日期": "2023-01-01"}],
    )
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/import/", {"file": handle})
    page = client.get(response["Location"]).content.decode()
    assert "导入失败" in page and "统一社会信用代码应为18位" in page
    with unscoped():
        assert NegativeRecord.objects.count() == before


def test_templates_download_as_files(demo, client):
    login(client, "city_shijiazhuang")
    workbook = client.get("/templates/workbook/")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert workbook.content[:2] == b"PK"
    sheet = client.get("/templates/申报/")
    assert sheet.content.decode("utf-8-sig").startswith("统一社会信用代码,名称,申报类别")
    assert client.get("/templates/nothing/").status_code == 404


def test_the_province_dashboard_carries_its_charts_as_data(demo, client, static_files):
    response = login(client, "province").get("/")
    page = response.content.decode()
    for chart in ["chart-quota", "chart-evaluators", "chart-categories", "chart-states"]:
        assert f'data-chart="{chart}"' in page and f'id="{chart}"' in page
    assert "/static/vendor/echarts/echarts.common.min.js" in page and "plotly" not in page
    assert response.context["over_cap"] == ["河北冀能绿色制造评价研究院有限公司"]
    assert client.get("/static/vendor/echarts/echarts.common.min.js").status_code == 200


def test_echarts_is_loaded_only_where_a_chart_is_drawn(demo, client):
    page = login(client, "city_shijiazhuang").get("/screening/").content.decode()
    assert "echarts" not in page


def test_an_import_runs_as_a_job_whose_page_survives_a_reload(
    demo, client, tmp_path, django_capture_on_commit_callbacks
):
    login(client, "province")
    path = write_csv(
        tmp_path / "负面记录.csv",
        [{"统一社会信用代码": "", "名称": "某公司", "类型": "偷漏税", "开始日期": "2023-01-01"}],
    )
    # The task is enqueued after commit (here run at once by the test settings' immediate backend).
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/import/", {"file": handle})
    job_url = response["Location"]
    assert job_url.startswith("/jobs/")
    for _ in range(2):  # reloading shows the same finished job
        page = client.get(job_url).content.decode()
        assert "已完成" in page and "导入成功" in page and "100%" in page
    assert "导入成功" in client.get(job_url + "progress/").content.decode()
    login(client, "city_shijiazhuang")
    assert client.get(job_url).status_code == 404  # another user's job


def test_an_applicant_registered_outside_the_province_is_shown_with_a_note_not_refused(demo, client):
    from greenlist.campaign.models import Application, Batch
    from greenlist.registry.models import Organisation, RecommendingUnit
    from tests.conftest import new_uscc

    with unscoped():
        unit = RecommendingUnit.objects.get(name="石家庄市")
        moved = Organisation.objects.create(uscc=new_uscc("110108"), name="北京迁入甲公司", unit=unit)
        local = Organisation.objects.create(uscc=new_uscc("130102"), name="本地乙公司", unit=unit)
        for org in (moved, local):
            Application.objects.create(batch=Batch.current(), organisation=org, unit=unit, category="factory")
    page = login(client, "city_shijiazhuang").get("/screening/").content.decode()
    row_of = {name: page.split(name, 1)[1].split("</td>", 1)[0] for name in ("北京迁入甲公司", "本地乙公司")}
    assert "登记机关不在本省" in row_of["北京迁入甲公司"]
    assert "登记机关不在本省" not in row_of["本地乙公司"]
