"""Real headless Chromium (Debian's, never a downloaded one) driven by Playwright against the
live server. Screenshots of each page visited go to artifacts/screenshots/ (kept by CI)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# English texts Django or the browser show when a translation or a template is missing.
UNTRANSLATED = re.compile(
    r"\b(This field is required|Enter a valid|Page not found|Server Error|Forbidden|Not Found|"
    r"TemplateDoesNotExist|Traceback|None\b)"
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # What these tests check is what Chromium shows, which does not depend on the database: test.sh
    # runs them once, on SQLite, and the PostgreSQL pass leaves them out (docs/testing.md).
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: browser tests not run (./test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Visitor:
    """One person in one browser context; every page is checked for broken or untranslated output."""

    def __init__(self, browser: Any, base_url: str, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # Failed loads are judged in _response (a refused page is sometimes what a test expects).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and ("/static/" in response.url or response.url.endswith("favicon.ico")):
            self.problems.append(f"{response.status} {response.url}")
        if response.status >= 500:
            self.problems.append(f"server error {response.status} {response.url}")

    def go(self, path: str, shot: str | None = None) -> Any:
        self.page.goto(self.base_url + path)
        self.check(shot)
        return self.page

    def check(self, shot: str | None = None) -> None:
        text = self.page.inner_text("body")
        found = UNTRANSLATED.search(text)
        if found:
            self.problems.append(f"untranslated or broken text on {self.page.url}: {found.group(0)!r}")
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"{self.name}-{shot}.png"), full_page=True)

    def login(self, username: str, password: str = "greenlist-demo") -> None:
        self.go("/login/", "login")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        self.check()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser: Any, live_server: Any) -> Iterator[Any]:
    opened: list[Visitor] = []

    def open_as(name: str) -> Visitor:
        v = Visitor(browser, live_server.url, name)
        opened.append(v)
        return v

    yield open_as
    for v in opened:
        v.close()
    assert [p for v in opened for p in v.problems] == []
