"""The province's dynamic-management lists come 50 rows a page, with the filters kept in the
pager's links (issue 14 item 7: every list paginated and filterable server-side)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from greenlist.dynamic.models import Filing, FilingState
from greenlist.registry.models import ProvincialListEntry, UnitScore
from greenlist.rules import filing as rules
from greenlist.scoping import unscoped
from greenlist.web.views.dynamic import PAGE_SIZE
from tests.conftest import new_uscc, unit

pytestmark = pytest.mark.django_db

EXTRA = 5  # rows beyond one full page


def listed(prefix: str, count: int, unit_name: str = "石家庄市", category: str = "factory") -> list[Any]:
    u = unit(unit_name)
    with unscoped():
        return [
            ProvincialListEntry.objects.create(
                uscc=new_uscc(u.region[:4] + "02" if len(u.region) == 4 else u.region),
                name=f"{prefix}{i:03d}有限公司",
                category=category,
                level="provincial",
                unit=u,
                year=2022,
            )
            for i in range(count)
        ]


def get(client: Client, url: str) -> str:
    """The page as text, entities undone (the pager's links carry ``&`` escaped or not)."""
    return html.unescape(client.get(url).content.decode())


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(page: str, prefix: str) -> set[str]:
    return set(re.findall(rf"{prefix}\d{{3}}有限公司", page))


def test_filed_and_missing_lists_are_paged(personas: Any, cycle: rules.Cycle) -> None:
    filed = listed("分页已报", PAGE_SIZE + EXTRA)
    listed("分页未报", PAGE_SIZE + EXTRA)
    with unscoped():
        for entry in filed:
            Filing.objects.create(
                entry=entry,
                cycle_year=cycle.year,
                form_version=cycle.form_version,
                state=FilingState.SUBMITTED,
                filed_at=timezone.now(),
                submitted_at=timezone.now(),
            )
    client = client_of(personas.province)
    first = get(client, f"/dynamic/?cycle={cycle.year}")
    assert len(names(first, "分页已报")) == PAGE_SIZE
    assert len(names(first, "分页未报")) <= PAGE_SIZE
    assert f"已提交的动态管理表（{PAGE_SIZE + EXTRA} 份）" in first
    assert f"cycle={cycle.year}&page=2#filed" in first
    second = get(client, f"/dynamic/?cycle={cycle.year}&page=2")
    assert len(names(second, "分页已报")) == EXTRA
    assert names(first, "分页已报").isdisjoint(names(second, "分页已报"))
    # The other list keeps its own page: turning the unfiled list leaves the filed one alone.
    turned = get(client, f"/dynamic/?cycle={cycle.year}&page=2&mpage=2")
    assert names(turned, "分页已报") == names(second, "分页已报")
    assert names(turned, "分页未报").isdisjoint(names(first, "分页未报"))


def test_filters_narrow_the_lists_and_stay_in_the_pager(personas: Any, cycle: rules.Cycle) -> None:
    listed("石家庄未报", PAGE_SIZE + EXTRA)
    listed("唐山未报", 3, unit_name="唐山市")
    listed("园区未报", 2, category="park")
    client = client_of(personas.province)
    code = unit("石家庄市").code
    page = get(client, f"/dynamic/?cycle={cycle.year}&unit={code}&category=factory")
    assert names(page, "唐山未报") == set()
    assert names(page, "园区未报") == set()
    # The personas' own 石家庄 factories share the list, so the page holds at most 50 of ours.
    assert len(names(page, "石家庄未报")) <= PAGE_SIZE
    assert f"unit={code}&category=factory&mpage=2#missing" in page
    rest = get(client, f"/dynamic/?cycle={cycle.year}&unit={code}&category=factory&mpage=2")
    assert names(rest, "唐山未报") == set()
    assert names(page, "石家庄未报") | names(rest, "石家庄未报") == {
        f"石家庄未报{i:03d}有限公司" for i in range(PAGE_SIZE + EXTRA)
    }
    tangshan = get(client, f"/dynamic/?cycle={cycle.year}&unit={unit('唐山市').code}")
    assert len(names(tangshan, "唐山未报")) == 3
    assert names(tangshan, "石家庄未报") == set()


def test_a_city_cannot_filter_its_way_into_another_city(personas: Any, cycle: rules.Cycle) -> None:
    listed("唐山未报", 2, unit_name="唐山市")
    response = client_of(personas.city_a).get(f"/dynamic/?cycle={cycle.year}&unit={unit('唐山市').code}")
    assert response.status_code == 404


def test_standing_history_is_paged(personas: Any) -> None:
    entries = listed("得分单位", PAGE_SIZE + EXTRA)
    with unscoped():
        for i, entry in enumerate(entries):
            UnitScore.objects.create(entry=entry, year=2024, score=Decimal(60 + i % 40))
    client = client_of(personas.province)
    first = get(client, "/dynamic/standing/?category=factory&level=provincial")
    history = first[first.index('id="history"') :]
    assert len(names(history, "得分单位")) == PAGE_SIZE
    assert "category=factory&level=provincial&page=2#history" in history
    second = get(client, "/dynamic/standing/?category=factory&level=provincial&page=2")
    rest = second[second.index('id="history"') :]
    assert len(names(rest, "得分单位")) == EXTRA
    assert names(history, "得分单位").isdisjoint(names(rest, "得分单位"))
