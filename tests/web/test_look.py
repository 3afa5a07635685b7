"""Official tone, exports and the product name (issue 14, look)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from greenlist.audit.describe import sentences
from greenlist.audit.log import record
from greenlist.audit.models import Action
from greenlist.campaign.models import Application
from greenlist.scoping import unscoped
from tests.web.conftest import login


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def test_the_product_name_comes_from_the_province_file(demo, client):
    page = login(client, "city_tangshan").get("/").content.decode()
    assert "河北省绿色制造名单管理系统" in page
    assert "greenlist" not in page.split("<body>", 1)[1].replace("'greenlist/", "").replace("/greenlist/", "")


def test_screening_exports_every_filtered_row_not_only_the_page(demo, client):
    login(client, "province")
    rows = _sheet(client.get("/screening/?show=excluded&format=xlsx"))
    page = client.get("/screening/?show=excluded")
    assert rows[0][:2] == ["统一社会信用代码", "名称"]
    assert len(rows) - 1 == len(page.context["rows"])
    assert {r[4] for r in rows[1:]} == {"不得推荐"}


def test_application_list_export_follows_the_filters_and_neutralises_formulas(demo, client):
    with unscoped():
        app = Application.objects.filter(unit__name="石家庄市").select_related("organisation").first()
        app.organisation.name = "=HYPERLINK(1)"
        app.organisation.save(update_fields=["name"])
    login(client, "city_shijiazhuang")
    rows = _sheet(client.get("/applications/?q=HYPERLINK&format=xlsx"))
    assert len(rows) == 2 and rows[1][1] == "=HYPERLINK(1)"
    book = load_workbook(io.BytesIO(client.get("/applications/?q=HYPERLINK&format=xlsx").content))
    cell = book.active.cell(row=2, column=2)
    assert cell.data_type == "s"


def test_audit_details_read_as_sentences(demo, client):
    with unscoped():
        app = Application.objects.first()
    event = record(
        actor=None,
        action=Action.APPLICATION_TRANSITION,
        obj=app,
        details={"from": "city_review", "to": "city_recommended", "acknowledged": ["S1"]},
    )
    lines = sentences(event.details)
    assert "原为：推荐单位审核中" in lines and "变更为：推荐单位拟推荐" in lines
    assert any(
        line.startswith("已知悉的提示：S1 ") and len(line) > len("已知悉的提示：S1 ") for line in lines
    )
    page = login(client, "province").get("/audit/").content.decode()
    assert "{&#x27;" not in page and "{'" not in page
    rows = _sheet(client.get("/audit/?format=xlsx"))
    assert rows[0][0] == "序号" and len(rows) > 2


def test_the_admin_is_chinese(demo, client):
    login(client, "admin")
    index = client.get("/admin/").content.decode()
    assert "Model name" not in index and "Access attempts" not in index
    assert "登录保护" in index and "登录尝试" in index
    add = client.get("/admin/accounts/user/add/").content.decode()
    assert "After you" not in add
    batches = client.get("/admin/campaign/batch/").content.decode()
    assert "河北省" in batches and ">hebei<" not in batches


def test_the_worker_queue_in_the_admin_reads_in_chinese(demo, client):
    login(client, "admin")
    index = client.get("/admin/").content.decode()
    assert "Tasks Database Backend" not in index and "后台任务" in index
    assert "/admin/auth/group/" not in index  # roles are a field; groups are unused
    tasks = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "任务" in tasks and "Task name" not in tasks and "Enqueued" not in tasks
