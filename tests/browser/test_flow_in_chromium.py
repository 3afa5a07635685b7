"""Everyday work in a real browser on the demo data: a city accepts many applications at once,
and each role lands on its own 待办 and follows an item to the page that does it."""

from __future__ import annotations

import pytest

from greenlist.campaign.models import Application, Engagement
from greenlist.scoping import unscoped

pytestmark = pytest.mark.django_db(transaction=True)


def tangshan(state: str) -> int:
    with unscoped():
        return Application.objects.filter(batch__code="2024", unit__name="唐山市", state=state).count()


def test_a_city_accepts_many_applications_in_bulk(demo, visitor):
    waiting = tangshan("submitted")
    reviewing = tangshan("city_review")
    assert waiting > 10
    city = visitor("city-bulk")
    city.login("city_tangshan")
    page = city.go("/", "city-home")
    item = page.locator("li.todo-item", has_text="受理已提交的申报")
    assert item.locator(".todo-count").inner_text() == str(waiting)
    item.get_by_role("link", name="批量受理").click()
    page.wait_for_load_state()
    city.check("bulk-pick")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == waiting
    page.get_by_label(f"选择 {page.locator('tbody td a').nth(1).inner_text()}").uncheck()
    page.get_by_role("button", name="预览").click()
    page.wait_for_load_state()
    city.check("bulk-preview")
    assert "尚未作任何修改" in page.inner_text("main")
    passed = int(page.locator("[data-count=passed]").inner_text())
    assert passed == waiting - 1 and tangshan("submitted") == waiting  # a preview changes nothing
    page.get_by_role("button", name=f"确认受理并审核 {passed} 项").click()
    page.wait_for_load_state()
    city.check("bulk-done")
    assert f"已办理 {passed} 项" in page.inner_text("main").replace("\n", " ")
    assert tangshan("submitted") == 1 and tangshan("city_review") == reviewing + passed
    page = city.go("/", "city-home-after")
    assert (
        page.locator("li.todo-item", has_text="受理已提交的申报").locator(".todo-count").inner_text() == "1"
    )


HOMES = [
    ("applicant_returned", "按退回意见修改后重新提交", "/applications/"),
    ("evaluator", "确认委托请求", "/evaluator/"),
    ("city_handan", "处理部门的不同意意见", "/unit/opinions/"),
    ("dept_handan_market_regulation", "逐项提出意见", "/unit/opinions/"),
    ("province", "对已报送名单作出推荐决定", "/applications/"),
]


def test_each_role_lands_on_its_todo_and_follows_an_item(demo, visitor):
    # One demo load for all five roles: each in its own browser context.
    for username, item, lands_on in HOMES:
        person = visitor(f"home-{username}")
        person.login(username)
        page = person.go("/", f"home-{username}")
        assert page.locator("#todo-title").is_visible(), username
        entry = page.locator("li.todo-item", has_text=item).first
        assert entry.is_visible(), username
        if username != "evaluator":  # an evaluator's projects answer to their units' deadlines
            assert "截止" in page.locator(".todo .deadline").inner_text(), username
        # On a phone the list reads without sideways scrolling.
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        person.check(f"home-{username}-390")
        overflow = page.evaluate(
            "(() => { const t = document.querySelector('.todo'); return t.scrollWidth - t.clientWidth; })()"
        )
        assert overflow <= 0, (username, overflow)
        if username != "province":  # the province's charts below its list are laid out elsewhere
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (username, width)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator("li.todo-item", has_text=item).first.locator("a.button").click()
        page.wait_for_load_state()
        person.check(f"from-home-{username}")
        assert lands_on in page.url, username


def test_an_evaluator_accepts_a_request_and_signs_the_declaration(demo, visitor):
    person = visitor("evaluator-engagements")
    person.login("evaluator")
    page = person.go("/evaluator/", "evaluator-requests")
    requests = page.locator("#requests tbody tr")
    before = requests.count()
    assert before >= 1
    requests.first.get_by_role("button", name="接受委托").click()
    page.wait_for_load_state()
    person.check("evaluator-accepted")
    assert page.locator("#requests tbody tr").count() == before - 1
    declaration = page.locator("article.declaration").first
    assert "合同中未对评价结果作出任何承诺" in declaration.inner_text()
    signing = page.locator("article.declaration").count()
    declaration.get_by_label("本机构已阅读并承诺遵守上述声明").check()
    declaration.get_by_role("button", name="签署声明").click()
    page.wait_for_load_state()
    person.check("evaluator-signed")
    assert page.locator("article.declaration").count() == signing - 1
    with unscoped():
        assert Engagement.objects.filter(declaration_signed_by__username="evaluator").count() == 1
