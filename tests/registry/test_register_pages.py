"""The register's pages: filters and pages, a unit's timeline, proposing and deciding on the web,
and the province's summary read back from the .xlsx and .docx it downloads."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl

from greenlist.registry.models import ProvincialListEntry, RegisterEvent, RegisterProposal
from greenlist.registry.proposals import approve, propose
from greenlist.scoping import unscoped
from tests.conftest import new_uscc, unit


def entry_x(personas) -> ProvincialListEntry:
    return ProvincialListEntry.objects.get(uscc=personas.org_x.uscc)


def test_the_province_filters_the_register_and_pages_through_it(personas):
    for index in range(55):
        ProvincialListEntry.objects.create(
            uscc=new_uscc(),
            name=f"市级绿色工厂{index:02d}号",
            category="factory",
            level="municipal",
            unit=unit("石家庄市"),
            year=2023,
        )
    client = personas.client(personas.province)
    first = client.get("/lists/", {"level": "市级", "unit": "shijiazhuang"}).content.decode()
    assert "共 55 个名单单位" in first
    assert "市级绿色工厂00号" in first and "省级绿色工厂" not in first
    assert "第 1 / 2 页" in first
    second = client.get("/lists/", {"level": "municipal", "unit": "shijiazhuang", "page": 2}).content.decode()
    assert "市级绿色工厂54号" in second
    bad = client.get("/lists/", {"status": "作废"})
    assert bad.status_code == 400 and "状态“作废”无效" in bad.content.decode()
    # The province's parameters show their source and that they are unverified.
    assert "培育对象有效期：3 年" in first and "待核实" in first


def test_a_city_sees_only_its_own_units(personas):
    page = personas.client(personas.city_b).get("/lists/").content.decode()
    assert "唐山市省级绿色工厂0" in page and "石家庄市省级绿色工厂" not in page
    # Asking for another unit shows nothing of it.
    other = personas.client(personas.city_b).get("/lists/", {"unit": "石家庄市"}).content.decode()
    assert "共 0 个名单单位" in other


def test_a_city_proposes_on_the_web_and_the_province_decides(personas):
    entry = entry_x(personas)
    city = personas.client(personas.city_a)
    page = city.get(f"/lists/{entry.pk}/").content.decode()
    assert "提出调整建议" in page
    assert "提出调整建议" not in personas.client(personas.dept_a).get(f"/lists/{entry.pk}/").content.decode()

    missing = city.post(
        f"/lists/{entry.pk}/propose/", {"kind": "removal", "reason": "", "effective_on": "2024-03-01"}
    )
    assert missing.status_code == 302
    assert "请填写调整理由" in city.get(f"/lists/{entry.pk}/").content.decode()
    assert RegisterProposal.unscoped.count() == 0

    city.post(
        f"/lists/{entry.pk}/propose/",
        {"kind": "removal", "reason": "现场核查：能耗指标不达标", "effective_on": "2024-03-01"},
    )
    proposal = RegisterProposal.unscoped.get()
    province = personas.client(personas.province)
    listing = province.get("/lists/proposals/", {"status": "pending"}).content.decode()
    assert "现场核查：能耗指标不达标" in listing and "批准" in listing
    assert "批准" not in city.get("/lists/proposals/").content.decode().split("<tbody>")[1]

    province.post(f"/lists/proposals/{proposal.pk}/decide/", {"action": "reject", "reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == "pending"  # a rejection needs a reason
    province.post(
        f"/lists/proposals/{proposal.pk}/decide/",
        {"action": "approve", "reason": "同意", "document_number": "冀工信节〔2024〕8号"},
    )
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    timeline = city.get(f"/lists/{entry.pk}/").content.decode()
    assert "2024-03-01 撤销" in timeline and "冀工信节〔2024〕8号" in timeline
    assert "已撤销" in timeline and "提出调整建议" not in timeline


def test_the_timeline_shows_listing_and_renames_with_former_names(personas):
    entry = entry_x(personas)
    with unscoped():
        RegisterEvent.objects.create(entry=entry, on=dt.date(2022, 1, 1), kind="listed", detail="2022年列入")
    with unscoped():
        proposal = propose(
            entry=entry,
            kind="rename",
            reason="工商变更",
            effective_on=dt.date(2024, 2, 1),
            new_name="石家庄甲新名称有限公司",
            actor=personas.city_a,
        )
        approve(proposal, actor=personas.province)
    page = personas.client(personas.city_a).get(f"/lists/{entry.pk}/").content.decode()
    assert page.index("2022-01-01 列入") < page.index("2024-02-01 更名")
    assert "由“石家庄市省级绿色工厂0”更名为“石家庄甲新名称有限公司”" in page
    assert "曾用名" in page and "使用至 2024-01-31" in page
    # The register finds the unit by its former name.
    found = personas.client(personas.province).get("/lists/", {"q": "石家庄市省级绿色工厂0"}).content.decode()
    assert "石家庄甲新名称有限公司" in found


def test_the_province_downloads_the_summary_to_send_on(personas):
    entry = entry_x(personas)
    renamed = ProvincialListEntry.objects.get(uscc=personas.org_y.uscc)
    with unscoped():
        removal = propose(
            entry=entry,
            kind="removal",
            reason="主要污染物超标",
            effective_on=dt.date(2024, 3, 1),
            actor=personas.city_a,
        )
        approve(removal, actor=personas.province, document_number="冀工信节〔2024〕8号")
        rename = propose(
            entry=renamed,
            kind="rename",
            reason="工商变更",
            effective_on=dt.date(2024, 4, 1),
            new_name="唐山乙集团有限公司",
            actor=personas.city_b,
        )
        approve(rename, actor=personas.province)
        propose(
            entry=ProvincialListEntry.objects.filter(unit=unit("唐山市")).exclude(pk=renamed.pk)[0],
            kind="removal",
            reason="待审核的不列入",
            effective_on=dt.date(2024, 5, 1),
            actor=personas.city_b,
        )
    client = personas.client(personas.province)
    xlsx = client.get("/lists/proposals/summary.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["撤销名单", "更名名单"]
    removals = [[c.value for c in row] for row in book["撤销名单"].iter_rows(min_row=4, max_row=4)]
    assert removals == [
        [
            1,
            "石家庄市",
            "石家庄市省级绿色工厂0",
            entry.uscc,
            "省级绿色工厂",
            "2022",
            "主要污染物超标（冀工信节〔2024〕8号）",
            "2024-03-01",
        ]
    ]
    renames = [[c.value for c in row] for row in book["更名名单"].iter_rows(min_row=4, max_row=4)]
    assert renames == [
        [1, "唐山市", "唐山市省级绿色工厂0", "唐山乙集团有限公司", renamed.uscc, "省级绿色工厂", "2024-04-01"]
    ]
    text = "\n".join(
        c.value or "" for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    )
    assert "待审核的不列入" not in text  # only approved changes are sent on

    word = client.get("/lists/proposals/summary.docx")
    document = docx.Document(io.BytesIO(word.content))
    assert document.paragraphs[0].text == "河北省绿色制造名单动态调整情况汇总表"
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    assert tables[0][0][0] == "一、撤销名单（1家）"
    assert tables[0][2][2] == "石家庄市省级绿色工厂0"
    assert tables[1][0][0] == "二、更名名单（1家）"
    assert tables[1][2][2:4] == ["唐山市省级绿色工厂0", "唐山乙集团有限公司"]


def test_the_province_records_a_boundary_change_and_a_city_may_not(personas):
    entry = entry_x(personas)
    url = f"/lists/{entry.pk}/events/"
    body = {
        "kind": "boundary",
        "on": "2024-02-01",
        "detail": "厂区新增二期生产线",
        "document_number": "冀工信节〔2024〕3号",
    }
    assert personas.client(personas.city_a).post(url, body).status_code == 403
    personas.client(personas.province).post(url, {**body, "kind": "revoked"})
    with unscoped():
        assert not RegisterEvent.objects.filter(entry=entry).exists()  # removals go through proposals
    personas.client(personas.province).post(url, body)
    page = personas.client(personas.city_a).get(f"/lists/{entry.pk}/").content.decode()
    assert "2024-02-01 边界范围变更" in page and "厂区新增二期生产线；文号：冀工信节〔2024〕3号" in page
    from greenlist.audit.models import Action, AuditEvent

    (event,) = AuditEvent.objects.filter(action=Action.REGISTER_EVENT_RECORDED)
    assert event.details["kind"] == "boundary" and event.unit == entry.unit


def test_cultivation_targets_take_the_provinces_validity(personas):
    from greenlist.registry.models import CultivationTarget

    code = new_uscc()
    city = personas.client(personas.city_a)
    body = {"uscc": code, "name": "石家庄培育制造有限公司", "category": "factory", "named_on": "2024-03-01"}
    # A city names municipal targets of its own unit, never provincial ones.
    assert city.post("/lists/cultivation/", {**body, "level": "provincial"}).status_code == 403
    city.post("/lists/cultivation/", {**body, "level": "municipal"})
    with unscoped():
        target = CultivationTarget.objects.get(uscc=code)
    assert (target.level, target.unit.name, target.valid_until) == (
        "municipal",
        "石家庄市",
        dt.date(2027, 2, 28),
    )
    page = city.get("/lists/cultivation/").content.decode()
    assert "石家庄培育制造有限公司" in page and "2027-02-28" in page and "待核实" in page
    assert (
        "石家庄培育制造有限公司"
        not in personas.client(personas.city_b).get("/lists/cultivation/").content.decode()
    )
    bad = city.post("/lists/cultivation/", {**body, "uscc": "123", "level": "municipal"})
    assert bad.status_code == 302
    assert "统一社会信用代码“123”无效" in city.get("/lists/cultivation/").content.decode()


def test_national_units_can_be_shown_with_the_provincial_list(personas):
    ProvincialListEntry.objects.create(
        uscc=new_uscc(),
        name="石家庄国家级绿色工厂",
        category="factory",
        level="national",
        unit=unit("石家庄市"),
        year=2019,
    )
    client = personas.client(personas.province)
    plain = client.get("/lists/", {"level": "provincial", "unit": "石家庄市"}).content.decode()
    assert "石家庄国家级绿色工厂" not in plain and "共 5 个名单单位" in plain
    with_national = client.get(
        "/lists/", {"level": "provincial", "unit": "石家庄市", "national": "1"}
    ).content.decode()
    assert "石家庄国家级绿色工厂" in with_national and "共 6 个名单单位" in with_national


def test_a_city_sees_records_filed_under_a_former_name(personas):
    from greenlist.accounts.scopes import scope_for
    from greenlist.registry.models import NegativeRecord
    from greenlist.scoping import scope

    entry = entry_x(personas)
    with unscoped():
        NegativeRecord(uscc="", name=entry.name, type="tax_evasion", start=dt.date(2023, 1, 1)).save()
        proposal = propose(
            entry=entry,
            kind="rename",
            reason="更名",
            effective_on=dt.date(2024, 1, 1),
            new_name="新名称",
            actor=personas.city_a,
        )
        approve(proposal, actor=personas.province)
    with scope(scope_for(personas.city_a)):
        assert NegativeRecord.objects.filter(name=entry.name).exists()
    with scope(scope_for(personas.city_b)):
        assert not NegativeRecord.objects.filter(name=entry.name).exists()


def test_the_summary_can_be_for_one_year(personas):
    entries = list(ProvincialListEntry.objects.filter(unit=unit("石家庄市")).order_by("pk")[:2])
    with unscoped():
        for entry, day in zip(entries, (dt.date(2023, 5, 1), dt.date(2024, 5, 1)), strict=True):
            approve(
                propose(
                    entry=entry,
                    kind="removal",
                    reason=f"核查{day.year}",
                    effective_on=day,
                    actor=personas.city_a,
                ),
                actor=personas.province,
            )
    client = personas.client(personas.province)
    assert "2024年度（.xlsx）" in client.get("/lists/proposals/").content.decode()
    book = openpyxl.load_workbook(io.BytesIO(client.get("/lists/proposals/summary.xlsx?year=2024").content))
    sheet = book["撤销名单"]
    assert sheet["A1"].value == "河北省2024年度绿色制造名单动态调整情况汇总表"
    assert [
        row[6] for row in sheet.iter_rows(min_row=4, max_col=8, values_only=True) if isinstance(row[0], int)
    ] == ["核查2024"]
    assert client.get("/lists/proposals/summary.docx?year=24").status_code == 400


def test_a_change_in_the_admin_enters_the_history(personas):
    entry = entry_x(personas)
    form = {
        "uscc": entry.uscc,
        "name": "石家庄后台更名有限公司",
        "category": "factory",
        "level": "provincial",
        "unit": entry.unit_id,
        "year": 2022,
        "status": "revoked",
        "revoked_on": "2024-02-02",
        "park_uscc": "",
    }
    response = personas.client(personas.province).post(
        f"/admin/registry/provinciallistentry/{entry.pk}/change/", form
    )
    assert response.status_code == 302
    with unscoped():
        kinds = list(RegisterEvent.objects.filter(entry=entry).order_by("id").values_list("kind", "on"))
    assert [kind for kind, _ in kinds] == ["renamed", "revoked"]
    assert kinds[1][1] == dt.date(2024, 2, 2)
    from greenlist.registry.models import FormerName

    assert list(FormerName.objects.filter(entry=entry).values_list("name", flat=True)) == [
        "石家庄市省级绿色工厂0"
    ]
