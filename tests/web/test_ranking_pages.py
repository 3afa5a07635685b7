from __future__ import annotations

from greenlist.campaign.models import Application
from greenlist.scoping import unscoped
from tests.web.conftest import login


def test_the_ranked_list_puts_eligible_first_explains_each_place_and_draws_the_quota_line(demo, client):
    response = login(client, "city_tangshan").get("/ranking/", {"category": "factory"})
    rows = response.context["rows"]
    eligible = [r.entry.eligible for r, *_ in rows]
    assert eligible == sorted(eligible, reverse=True)  # every eligible one above every excluded one
    scores = [r.entry.score for r, *_ in rows if r.entry.eligible and not r.entry.priority]
    assert scores == sorted(scores, reverse=True)
    assert all(r.explanation for r, *_ in rows)
    page = response.content.decode()
    assert f"推荐名额线（{response.context['quota']} 家）" in page


def test_recommending_by_rank_stops_at_the_quota_and_is_audited(demo, client):
    login(client, "city_tangshan")
    with unscoped():
        Application.objects.filter(unit__name="唐山市", state="submitted").update(state="city_review")
    quota = client.get("/ranking/").context["quota"]
    page = client.post("/ranking/recommend/", {"category": "factory"}, follow=True).content.decode()
    with unscoped():
        recommended = Application.objects.filter(
            unit__name="唐山市", category="factory", state="city_recommended"
        )
        assert recommended.count() == quota
    assert f"已按排名将 {quota} 项设为拟推荐" in page
    again = client.post("/ranking/recommend/", {"category": "factory"}, follow=True).content.decode()
    assert "已按排名将 0 项" in again
