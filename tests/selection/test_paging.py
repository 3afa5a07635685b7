"""The province's review pages come 50 applications a page, filterable by recommending unit,
category and state, with the filters kept in the pager's links (issue 14 item 7)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

import pytest
from django.test import Client

from greenlist.campaign.models import Application
from greenlist.registry.models import RecommendingUnit
from greenlist.scoping import unscoped
from greenlist.selection import services
from greenlist.selection.models import MeetingDecision
from greenlist.selection.views import PAGE_SIZE
from tests.selection.conftest import World

pytestmark = pytest.mark.django_db

EXTRA = 5  # rows beyond one full page


@pytest.fixture
def crowded(world: World, clean_application: Callable[..., Application]) -> World:
    """The world's three applications plus 55 more from 唐山."""
    world.many = [  # type: ignore[attr-defined]
        clean_application("唐山市", f"唐山分页{i:03d}有限公司", state="city_recommended")
        for i in range(PAGE_SIZE + EXTRA)
    ]
    return world


def get(client: Client, url: str) -> str:
    """The page as text, entities undone (the pager's links carry ``&`` escaped or not)."""
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def names(page: str) -> set[str]:
    return set(re.findall(r"唐山分页\d{3}有限公司", page))


ALL = {f"唐山分页{i:03d}有限公司" for i in range(PAGE_SIZE + EXTRA)}


def test_assignments_are_paged_and_filtered(crowded: World) -> None:
    client = crowded.client(crowded.province)
    base = f"/review/assignments/?batch={crowded.batch.code}"
    first = get(client, base)
    assert f"待评审的申报（{PAGE_SIZE + EXTRA + 3} 项）" in first
    assert len(re.findall(r'name="application" value="\d+"', first)) == PAGE_SIZE
    assert f"batch={crowded.batch.code}&page=2#rows" in first
    second = get(client, f"{base}&page=2")
    assert len(re.findall(r'name="application" value="\d+"', second)) == EXTRA + 3
    assert names(first) | names(second) == ALL
    assert names(first).isdisjoint(names(second))
    with unscoped():
        shijiazhuang = RecommendingUnit.objects.get(name="石家庄市").code
    only = get(client, f"{base}&unit={shijiazhuang}")
    assert names(only) == set()
    assert "石家庄甲钢铁有限公司" in only
    assert "石家庄乙玻璃有限公司" in only
    assert "唐山丙陶瓷有限公司" not in only
    assert "page=2" not in only


def test_an_assignment_sent_from_page_two_comes_back_to_page_two(crowded: World) -> None:
    client = crowded.client(crowded.province)
    url = f"/review/assignments/?batch={crowded.batch.code}&page=2"
    target = crowded.many[-1]  # type: ignore[attr-defined]
    response = client.post(url, {"application": target.pk, "expert": crowded.expert_1.pk})
    assert response.status_code == 302
    assert "page=2" in response["Location"]
    assert f"batch={crowded.batch.code}" in response["Location"]


def test_meeting_rows_and_decisions_are_paged(crowded: World) -> None:
    with unscoped():
        meeting = services.record_meeting(
            crowded.batch,
            actor=crowded.province,
            kind="topic",
            held_on=dt.date(2024, 7, 1),
            title="省级绿色制造名单专题会审",
            attendees="省工信厅节能处",
        )
        for app in crowded.many:  # type: ignore[attr-defined]
            MeetingDecision.unscoped.create(
                meeting=meeting, application=app, target="province_recommended", basis=f"依据{app.pk}号"
            )
    client = crowded.client(crowded.province)
    first = get(client, f"/review/meetings/{meeting.pk}/")
    rows = first[first.index('id="rows"') :]
    decisions = first[first.index('id="decisions"') : first.index('id="rows"')]
    assert len(re.findall(r'name="application" value="\d+"', rows)) == PAGE_SIZE
    assert "page=2#rows" in rows
    assert len(names(decisions)) == PAGE_SIZE
    assert "dpage=2#decisions" in decisions
    second = get(client, f"/review/meetings/{meeting.pk}/?page=2&dpage=2")
    later = second[second.index('id="decisions"') : second.index('id="rows"')]
    assert names(decisions) | names(later) == ALL
    assert (
        len(re.findall(r'name="application" value="\d+"', second[second.index('id="rows"') :])) == EXTRA + 3
    )


def test_unknown_filter_values_filter_nothing(crowded: World) -> None:
    client = crowded.client(crowded.province)
    page = get(client, f"/review/assignments/?batch={crowded.batch.code}&unit=nowhere&state=draft")
    assert f"待评审的申报（{PAGE_SIZE + EXTRA + 3} 项）" in page
