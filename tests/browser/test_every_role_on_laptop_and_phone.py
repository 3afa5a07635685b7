"""Every role's home and main pages at 1440 px and 390 px in Debian's Chromium: no page-level
sideways scroll, no console error, axe-core without serious or critical violations, no developer
text (tests/browser/quality.py). One test per person, so parallel workers share the pages out; one
logged-in context per width. axe-core runs on every page at 1440 px and on each home page at 390 px
(where the navigation folds into a menu): the narrow layout changes where things sit, not the
markup and colours axe judges, except in the menu. The sideways-scroll and text checks run on
every page at both widths."""

from __future__ import annotations

from typing import Any

import pytest

from greenlist.accounts.models import Role, User
from greenlist.campaign.models import Application
from greenlist.demo.load import PASSWORD
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing
from greenlist.registry.models import ProvincialListEntry
from greenlist.scoping import unscoped
from greenlist.selection.models import PublicNotice, ReviewAssignment, ReviewMeeting
from tests.browser.quality import page_problems

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1440, 390)


def _pages() -> dict[str, tuple[str, list[str]]]:
    """Person label -> (username, paths); the label names the test, the username is looked up."""
    with unscoped():
        own = Application.objects.filter(organisation__users__username="applicant").values_list(
            "pk", flat=True
        )
        app = own.first()
        city_app = Application.objects.filter(unit__code="shijiazhuang").values_list("pk", flat=True).first()
        listed = ProvincialListEntry.objects.filter(unit__code="shijiazhuang").values_list("pk", flat=True)[0]
        filing = Filing.objects.filter(
            unit__code="shijiazhuang", cycle_year=service.cycle().year
        ).values_list("pk", flat=True)[0]
        meeting = ReviewMeeting.objects.values_list("pk", flat=True)[0]
        notice = PublicNotice.objects.values_list("pk", flat=True)[0]
        sheet = ReviewAssignment.objects.filter(
            expert__user__username="expert", withdrawn_at__isnull=True
        ).values_list("pk", flat=True)[0]
        # A listed unit whose login files this cycle's table (the applicant's dynamic form).
        entry = (
            service.entries(service.cycle())
            .filter(uscc__in=User.objects.filter(role="applicant").values("organisation__uscc"))
            .first()
        )
        assert entry is not None
        filer = User.objects.filter(role="applicant", organisation__uscc=entry.uscc).values_list(
            "username", flat=True
        )[0]
    register = ["/lists/", f"/lists/{listed}/", "/lists/cultivation/"]
    dynamic = ["/dynamic/", f"/dynamic/filings/{filing}/", "/dynamic/progress/", "/dynamic/standing/"]
    mine = [f"/applications/{app}/", f"/applications/{app}/indicators/", f"/applications/{app}/report/"]
    pages = {
        "province": [
            "/", "/applications/", "/screening/", "/ranking/", "/selection/", "/units/", "/rulings/",
            "/audit/", "/documents/", "/rules/", "/reference/", "/import/", "/help/",
            *register, "/lists/proposals/", *dynamic,
            "/review/experts/", "/review/assignments/", "/review/meetings/", f"/review/meetings/{meeting}/",
            "/notices/", f"/notices/{notice}/", "/screening/?batch=2025", "/rules/?batch=2025",
            "/applications/?batch=2025", "/ranking/?batch=2025",
        ],
        "city_shijiazhuang": [
            "/", "/applications/", "/unit/", "/screening/", "/ranking/", "/documents/",
            "/unit/registrations/", f"/applications/{city_app}/",
            "/applications/bulk/", "/unit/opinions/", *register, "/lists/proposals/", *dynamic, "/dynamic/import/",
        ],
        "city_tangshan": ["/", "/unit/"],
        "city_handan": ["/", "/unit/opinions/"],
        "dept_shijiazhuang_ecology_environment": ["/", "/unit/"],
        "dept_handan_market_regulation": ["/", "/unit/opinions/"],
        "applicant": ["/", "/applications/", *mine],
        "applicant_returned": ["/", "/applications/"],
        "filer": ["/", f"/dynamic/entries/{entry.pk}/file/"],
        "evaluator": ["/", "/evaluator/"],
        "expert": ["/", "/review/", f"/review/sheets/{sheet}/"],
        "anonymous": ["/login/", "/register/", "/password-reset/", f"/gongshi/{notice}/"],
    }  # fmt: skip
    usernames = {"filer": filer, "anonymous": ""}
    return {label: (usernames.get(label, label), paths) for label, paths in pages.items()}


PEOPLE = (
    "province", "city_shijiazhuang", "city_tangshan", "city_handan", "dept_shijiazhuang_ecology_environment",
    "dept_handan_market_regulation", "applicant", "applicant_returned", "filer", "evaluator", "expert",
    "anonymous",
)  # fmt: skip


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


def test_the_people_cover_every_role_but_the_administrator(demo):
    people = [username for username, _ in _pages().values() if username]
    with unscoped():
        roles = set(User.objects.filter(username__in=people).values_list("role", flat=True))
    assert roles == set(Role.values) - {Role.ADMIN}


@pytest.mark.parametrize("person", PEOPLE)
def test_every_role_reads_its_pages_on_a_laptop_and_a_phone(person, demo, browser, live_server):
    pages = _pages()
    assert set(pages) == set(PEOPLE)
    username, paths = pages[person]
    problems: list[str] = []
    for width in WIDTHS:
        context, page, errors = _log_in(browser, live_server.url, username, width)
        try:
            for index, path in enumerate(paths):
                response = page.goto(live_server.url + path)
                assert response is not None and response.status == 200, f"{person} {path}"
                axe = width == WIDTHS[0] or index == 0
                problems += [f"{person} @{width}: {p}" for p in page_problems(page, axe=axe)]
        finally:
            context.close()
        problems += [f"{person} @{width} console: {e}" for e in errors]
    assert problems == [], "\n".join(problems)


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
