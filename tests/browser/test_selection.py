"""The province's selection in a real browser: the public 公示 page with no login, an expert's
declaration and score sheet, and the province's objection page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from greenlist.campaign.models import Application
from greenlist.scoping import unscoped
from greenlist.selection import services
from tests.selection.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"  # tests.conftest.make_user


@pytest.fixture
def world(batch, clean_application):
    w = World(batch, clean_application)
    with unscoped():
        Application.objects.filter(pk__in=[w.app_a.pk, w.app_c.pk]).update(state="province_recommended")
        w.notice = services.publish_notice(
            batch,
            actor=w.province,
            title=services.default_notice_title(batch),
            starts_on=timezone.localdate() - dt.timedelta(days=1),
            days=5,
            contact="节能与综合利用处 0311-87000000",
        )
        services.add_objection(
            w.notice,
            actor=w.province,
            application_id=w.app_a.pk,
            name="周某某",
            contact="13900000000",
            statement="反映该企业存在环境问题。",
            received_on=timezone.localdate(),
        )
        w.assignment = services.assign(w.app_b, w.expert_1, actor=w.province)
    return w


def test_the_public_notice_opens_without_login_on_a_phone(world, visitor):
    public = visitor("gongshi")
    public.context.close()
    public.context = public.page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    public.page = public.context.new_page()
    public.page.on("response", public._response)
    response = public.page.goto(public.base_url + f"/gongshi/{world.notice.pk}/")
    assert response.status == 200
    assert "max-age=300" in response.headers["cache-control"]
    public.check("public-notice")
    page = public.page
    assert page.locator("h1").inner_text() == world.notice.title
    rows = page.locator("table.grid tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").all_inner_texts() == [
        "1",
        "石家庄甲钢铁有限公司",
        "绿色工厂",
        "石家庄市",
    ]
    text = page.inner_text("body")
    assert "节能与综合利用处 0311-87000000" in text
    assert "公示中" in text
    for hidden in ("石家庄乙玻璃有限公司", "周某某", "13900000000", "登录", "退出"):
        assert hidden not in text
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_expert_declares_and_scores(world, visitor):
    expert = visitor("expert")
    expert.login("s_expert_1", PASSWORD)
    page = expert.go("/review/", "review-home")
    assert page.locator("table.grid tbody tr").count() == 1
    page.click("table.grid tbody a")
    page.wait_for_load_state()
    expert.check("review-declaration")
    page.check("input[name=confirm]")
    page.click("text=签署声明")
    page.wait_for_load_state()
    inputs = page.locator("input[name^=item_]")
    for index in range(inputs.count()):
        inputs.nth(index).fill("10")
    inputs.nth(0).fill("99")
    page.click("text=提交评分")
    page.wait_for_load_state()
    expert.check("review-sheet-error")
    assert "超出范围" in page.inner_text("body")
    inputs = page.locator("input[name^=item_]")
    inputs.nth(0).fill("18.5")
    page.click("text=提交评分")
    page.wait_for_load_state()
    expert.check("review-sheet-scored")
    assert "已提交总分：68.50" in page.inner_text("body").replace(" ", "")


def test_the_province_sees_the_open_objection_block_the_final_list(world, visitor):
    province = visitor("province")
    province.login("s_province", PASSWORD)
    page = province.go(f"/notices/{world.notice.pk}/", "notice-detail")
    text = page.inner_text("body")
    assert "尚有 1 件异议未办结" in text
    assert "周某某" in text
    province.go("/review/assignments/", "review-assignments")
    assert "石家庄乙玻璃有限公司" in page.inner_text("body")
