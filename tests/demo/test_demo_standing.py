"""The demo's scores for 2023–2025: the standing page, the regional average of national units
and the three-year watchlist have real figures, and loading again changes none of them."""

from __future__ import annotations

from django.db.models import Sum
from django.test import Client

from greenlist.demo.load import PASSWORD
from greenlist.demo.standing import YEARS, load_standing
from greenlist.registry import standing
from greenlist.registry.models import ProvincialListEntry, UnitScore
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus
from greenlist.scoping import unscoped


def test_the_demo_scores_feed_the_average_and_a_three_year_watchlist(demo):
    with unscoped():
        before = (UnitScore.objects.count(), UnitScore.objects.aggregate(total=Sum("score"))["total"])
        assert load_standing() == 0
        assert (UnitScore.objects.count(), UnitScore.objects.aggregate(total=Sum("score"))["total"]) == before
        national = ProvincialListEntry.objects.filter(
            level=ListLevel.NATIONAL, category=Category.FACTORY, status=ListStatus.ACTIVE
        )
        for year in YEARS:
            scored = UnitScore.objects.filter(entry__in=national, year=year).count()
            assert scored == national.filter(year__lte=year).count()
            average = standing.regional_average(Category.FACTORY, ListLevel.NATIONAL, year)
            assert average is not None
            assert average.units == scored
        watch = standing.watchlist(Category.FACTORY, ListLevel.PROVINCIAL, YEARS[-1])
        assert len(watch) >= 2
        for entry in watch:
            scores = dict(UnitScore.objects.filter(entry=entry).values_list("year", "score"))
            assert set(YEARS) <= set(scores)
    client = Client()
    assert client.login(username="province", password=PASSWORD)
    page = client.get("/dynamic/standing/?category=factory&level=provincial").content.decode()
    assert str(YEARS[-1]) in page
    assert watch[0].name in page
