"""Every role's home and main pages at 1440 px and 390 px in Debian's Chromium: no page-level
sideways scroll, no console error, axe-core without serious or critical violations, no developer
text (tests/browser/quality.py). One demo load and one logged-in context per role and width."""

from __future__ import annotations

from typing import Any

import pytest

from greenlist.campaign.models import Application
from greenlist.demo.load import PASSWORD
from greenlist.scoping import unscoped
from tests.browser.quality import page_problems

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1440, 390)


def _pages() -> dict[str, list[str]]:
    with unscoped():
        own = Application.objects.filter(organisation__users__username="applicant").values_list(
            "pk", flat=True
        )
        app = own.first()
        city_app = Application.objects.filter(unit__code="shijiazhuang").values_list("pk", flat=True).first()
    mine = [f"/applications/{app}/", f"/applications/{app}/indicators/", f"/applications/{app}/report/"]
    return {
        "province": [
            "/", "/applications/", "/screening/", "/ranking/", "/selection/", "/units/", "/rulings/",
            "/audit/", "/documents/", "/rules/", "/reference/", "/import/", "/help/",
        ],
        "city_shijiazhuang": [
            "/", "/applications/", "/unit/", "/screening/", "/ranking/", "/documents/",
            "/unit/registrations/", f"/applications/{city_app}/",
        ],
        "city_tangshan": ["/", "/unit/"],
        "dept_shijiazhuang_ecology_environment": ["/", "/unit/"],
        "applicant": ["/", "/applications/", *mine],
        "evaluator": ["/", "/evaluator/"],
        "": ["/login/", "/register/", "/password-reset/"],  # not logged in
    }  # fmt: skip


def _log_in(browser: Any, base_url: str, username: str, width: int) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    if not username:
        return context, page, errors
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page, errors


def test_every_role_reads_its_pages_on_a_laptop_and_a_phone(demo, browser, live_server):
    problems: list[str] = []
    for username, paths in _pages().items():
        for width in WIDTHS:
            context, page, errors = _log_in(browser, live_server.url, username, width)
            try:
                for path in paths:
                    response = page.goto(live_server.url + path)
                    assert response is not None and response.status == 200, f"{username} {path}"
                    problems += [f"{username} @{width}: {p}" for p in page_problems(page)]
            finally:
                context.close()
            problems += [f"{username} @{width} console: {e}" for e in errors]
    assert problems == []


def test_on_a_phone_the_navigation_folds_into_a_menu_and_a_skip_link_leads_to_the_page(
    demo, browser, live_server
):
    context, page, errors = _log_in(browser, live_server.url, "province", 390)
    try:
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        nav = page.locator("#mainnav")
        toggle = page.locator("button.navtoggle")
        assert toggle.is_visible() and not nav.is_visible()
        toggle.click()
        assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        assert nav.locator("a", has_text="筛查").is_visible()
    finally:
        context.close()
    assert errors == []
