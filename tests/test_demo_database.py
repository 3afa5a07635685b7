"""The `demo` fixture (tests/demodb.py): the demo is loaded once per run, yet each test sees it
whole — whatever the test before changed, committed or not — and a test without it sees none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from greenlist.accounts.models import User
from greenlist.campaign.models import Application
from greenlist.demo.load import summary
from greenlist.scoping import unscoped
from greenlist.selection.models import MeetingDecision, ReviewAssignment


def demo_applications() -> int:
    with unscoped():
        return Application.objects.count()


def test_a_test_without_the_demo_sees_an_empty_database(db: None) -> None:
    assert not User.objects.filter(username="city_shijiazhuang").exists()
    assert demo_applications() == 0


@pytest.mark.parametrize("round_", [1, 2])
def test_changes_of_one_test_are_gone_for_the_next(demo: None, round_: int) -> None:
    before = summary()
    assert before["申报"] > 0
    with unscoped():
        _delete_applications()
    assert demo_applications() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", [1, 2])
def test_committed_changes_of_a_transactional_test_are_undone_for_the_next(demo: None, round_: int) -> None:
    # Commits for real (a worker process or live server would see it): the copy is restored after.
    assert demo_applications() > 0
    with unscoped():
        _delete_applications()
    assert demo_applications() == 0


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_without_the_demo_sees_none(transactional_db: None) -> None:
    assert not User.objects.filter(username="city_shijiazhuang").exists()


def _delete_applications() -> None:
    # Review records keep the applications they judged (PROTECT): they go first.
    MeetingDecision.objects.all().delete()
    ReviewAssignment.objects.all().delete()
    Application.objects.all().delete()


def test_no_test_loads_the_demo_itself() -> None:
    """A test that loads the demo itself pays seconds the run's copy gives for free (and did, five
    times over, before the suite was made fast): only the demo's own command test reloads it."""
    here = Path(__file__).parent
    allowed = {here / "conftest.py", here / "demodb.py", here / "demo" / "test_demo.py"}
    loads = re.compile(r"\bload_demo\(\)|call_command\(\s*[\"']demo[\"']")
    offenders = sorted(
        str(path.relative_to(here))
        for path in here.rglob("*.py")
        if path not in allowed and loads.search(path.read_text(encoding="utf-8"))
    )
    assert offenders == [], f"ask for the `demo` fixture instead (docs/testing.md): {offenders}"
