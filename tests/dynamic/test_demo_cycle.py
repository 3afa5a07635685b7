"""The demo's current cycle: half done, with flags, an on-site check and standing figures."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from greenlist.demo.dynamic import load_dynamic_demo
from greenlist.demo.load import PASSWORD
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing, FilingState, OnSiteCheck
from greenlist.registry import standing
from greenlist.registry.models import UnitScore
from greenlist.rules.vocabulary import Category, ListLevel
from greenlist.scoping import unscoped


def test_the_demo_cycle_is_half_done_with_flags_and_an_on_site_check(demo):
    the_cycle = service.cycle()
    with unscoped():
        listed = service.entries(the_cycle).count()
        filings = Filing.objects.filter(cycle_year=the_cycle.year)
        handed_in = filings.exclude(state=FilingState.DRAFT).count()
        assert 0.4 * listed <= handed_in <= 0.6 * listed
        states = set(filings.values_list("state", flat=True))
        assert {
            FilingState.SUBMITTED,
            FilingState.ACCEPTED,
            FilingState.RETURNED,
            FilingState.ONSITE_ORDERED,
        } <= states
        check = OnSiteCheck.objects.get()
        assert check.state == "done"
        assert check.findings
        rules_seen = {
            f.rule
            for filing in filings.select_related("entry")
            for f in service.flags(filing.entry, the_cycle, filing)
        }
        assert {"DM1", "DM3", "DM4"} <= rules_seen
        accepted = filings.filter(state=FilingState.ACCEPTED).select_related("entry").first()
        assert accepted is not None
        score = UnitScore.objects.get(entry=accepted.entry, year=the_cycle.data_year)
        assert (score.source, score.score) == ("filing", Decimal(accepted.values["score"]))
    assert standing.watchlist(Category.FACTORY, ListLevel.PROVINCIAL, the_cycle.data_year)
    assert load_dynamic_demo() == 0


def test_the_demo_pages_of_the_cycle_open_for_the_city_and_the_province(demo):
    city = Client()
    assert city.login(username="city_shijiazhuang", password=PASSWORD)
    page = city.get("/dynamic/").content.decode()
    assert "已提交的动态管理表" in page
    assert "DM1" in page
    province = Client()
    assert province.login(username="province", password=PASSWORD)
    progress = province.get("/dynamic/progress/").content.decode()
    assert "石家庄市" in progress and "唐山市" in progress
    assert "观察" in province.get("/dynamic/standing/?category=factory&level=provincial").content.decode()
