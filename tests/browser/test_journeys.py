"""Each role's main journey in a real browser, on the demo data, with one refused action each."""

from __future__ import annotations

import pytest

from greenlist.accounts.models import User
from greenlist.campaign.models import Batch
from greenlist.rules.uscc import make_uscc
from greenlist.scoping import unscoped
from greenlist.screening.service import screen_batch
from tests.documents.helpers import png

pytestmark = pytest.mark.django_db(transaction=True)


def click_button(page, label: str) -> None:
    page.get_by_role("button", name=label).first.click()


def decide(page, label: str) -> None:
    """A listing decision: tick every warning the form asks to acknowledge, then press the button."""
    form = page.locator("form.transition", has=page.get_by_role("button", name=label)).first
    for box in form.locator("input[name=acknowledge]").all():
        box.check()
    form.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_applicant_registers_applies_writes_its_report_and_submits(demo, visitor, tmp_path):
    person = visitor("applicant-journey")
    page = person.go("/register/", "register")
    code = make_uscc("91130203JOURNEY01".replace("O", "0").replace("U", "8").replace("I", "1"))
    page.fill("#id_uscc", code[:17] + ("0" if code[17] != "0" else "1"))
    page.wait_for_selector("#uscc-check .bad")
    assert "校验位错误" in page.inner_text("#uscc-check")
    page.fill("#id_uscc", code)
    page.wait_for_selector("#uscc-check .ok")
    assert "唐山市" in page.inner_text("#uscc-check")
    page.fill("#id_name", "唐山旅程示范钢铁有限公司")
    page.select_option("#id_unit", label="唐山市")
    page.fill("#id_industry", "钢铁")
    page.fill("#id_username", "journey")
    page.fill("#id_email", "journey@example.com")
    page.fill("#id_password", "green-journey-2024")
    page.fill("#id_password2", "green-journey-2024")
    click_button(page, "注册")
    person.check("new-application")
    page.check("input[value=factory]")
    click_button(page, "创建草稿")
    person.check("edit-application")
    page.select_option("#id_method", "self")
    page.fill("#id_score", "91.5")
    page.fill("#id_product", "高炉工序")
    page.fill("#id_unit_energy", "355")
    click_button(page, "保存")
    person.check("application")
    page.click("text=典型经验报告（附件2）")
    page.wait_for_load_state()
    page.fill("#f-inspiration", "示范" * 30)  # 60 characters: over the limit of 50
    assert "超出 10 字" in page.inner_text("#f-inspiration + .count")
    page.fill("#f-inspiration", "以系统节能推动钢铁行业绿色低碳转型。")
    page.fill("#f-title", "系统节能引领绿色发展")
    page.fill("#f-intro", "公司是唐山市重点钢铁企业，" * 8)
    page.fill("#f-practices", "建立能源管理体系，实施余热回收与光伏发电。")
    picture = tmp_path / "p.png"
    picture.write_bytes(png(120, 80))
    for n in (1, 2, 3):
        page.fill(f"#f-h{n}t", ["余热高效回收", "绿电替代行动", "数字能碳管理"][n - 1])
        page.fill(f"#f-h{n}b", "通过持续改造，单位产品能耗下降，" * 15)
        page.set_input_files(f"#f-h{n}p", str(picture))
    page.fill("#f-next", "继续推进超低排放与节能降碳改造。")
    click_button(page, "保存")
    person.check("experience-report")
    assert "各项均符合编制大纲要求" in page.inner_text("main")
    page.click("text=← 返回申报")
    page.wait_for_load_state()
    click_button(page, "提交至推荐单位")
    person.check("submitted")
    assert "已提交" in page.inner_text("main")
    refused = page.goto(person.base_url + "/screening/")
    assert refused.status == 403


def test_city_consults_recommends_within_quota_and_generates_the_summary_table(demo, visitor):
    city = visitor("city")
    city.login("city_tangshan")
    page = city.go("/unit/", "unit")
    page.locator("details:has(summary:text('记录意见'))").first.locator("summary").click()
    form = page.locator("details[open] form")
    form.locator("textarea").fill("经核查，拟推荐企业近三年无重大违法记录，同意推荐。")
    form.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "尚未记录" not in page.inner_text("main")
    page = city.go("/screening/?show=eligible&category=factory", "screening")
    first = page.locator("table.screening tbody tr a").first
    name = first.inner_text()
    first.click()
    page.wait_for_load_state()
    click_button(page, "受理并审核")
    decide(page, "拟推荐")
    city.check("recommended")
    assert "推荐单位拟推荐" in page.inner_text("main")
    page = city.go("/documents/", "documents")
    with page.expect_download() as download:
        page.click("text=推荐汇总表（Word）")
    assert download.value.suggested_filename.endswith("推荐汇总表.docx")
    assert name in page.inner_text("main")
    assert page.goto(city.base_url + "/units/").status == 403


def test_department_gives_its_opinion_and_cannot_open_documents(demo, visitor):
    dept = visitor("department")
    dept.login("dept_tangshan_market_regulation")
    page = dept.go("/unit/", "unit")
    page.locator("details summary").first.click()
    form = page.locator("details[open] form")
    form.locator("input[value=no]").check()
    form.locator("textarea").fill("某企业近期有行政处罚记录，建议核实后再推荐。")
    form.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "有不同意见" in page.inner_text("main")
    assert page.goto(dept.base_url + "/documents/").status == 403


def test_evaluator_sees_its_load_and_signs_a_declaration(demo, visitor):
    evaluator = visitor("evaluator")
    evaluator.login("evaluator")
    page = evaluator.go("/evaluator/", "evaluator")
    with unscoped():
        uscc = User.objects.get(username="evaluator").evaluator.uscc
        standing = next(e for e in screen_batch(Batch.current()).evaluators if e.evaluator.uscc == uscc)
    assert f"{standing.projects} / {standing.cap}" in page.inner_text(".tiles")
    buttons = page.get_by_role("button", name="签署声明")
    if buttons.count():
        before = buttons.count()
        # The declaration is signed on its full text, with the confirmation ticked.
        page.locator("article.declaration").first.get_by_label("本机构已阅读并承诺遵守上述声明").check()
        buttons.first.click()
        page.wait_for_load_state()
        assert page.get_by_role("button", name="签署声明").count() == before - 1
    assert page.goto(evaluator.base_url + "/unit/").status == 403


def test_province_reviews_selects_and_exports_the_pack(demo, visitor):
    province = visitor("province")
    province.login("province")
    page = province.go("/", "dashboard")
    page.wait_for_selector("[data-chart=chart-quota] canvas")  # drawn by ECharts
    province.go("/units/", "units")
    page = province.go("/applications/?state=city_recommended", "review")
    page.locator("table.grid tbody tr a").first.click()
    page.wait_for_load_state()
    decide(page, "省厅推荐")
    assert "省厅推荐" in page.inner_text(".state")
    page = province.go("/documents/?unit=shijiazhuang", "documents")
    with page.expect_download() as download:
        page.click("text=材料包")
    assert download.value.suggested_filename.endswith(".zip")
    province.go("/audit/", "audit")
    assert page.goto(province.base_url + "/applications/new/").status == 403
