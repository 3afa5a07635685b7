"""V3 and Q1 at write time: sequentially here, in parallel on PostgreSQL in test_concurrency.py."""

from __future__ import annotations

import pytest

from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.decisions.transitions import transition
from greenlist.registry.models import Organisation, ProvincialListEntry
from greenlist.scoping import unscoped
from tests.conftest import make_org, make_user


def drafts_for(personas, make_application, n, unit_names=("石家庄市", "唐山市")):
    apps = []
    with unscoped():
        for index in range(n):
            org = make_org(unit_names[index % len(unit_names)])
            apps.append(make_application(org, method="third_party", evaluator=personas.evaluator_org))
    return apps


def submit(app):
    with unscoped():
        user = make_user(f"owner{app.pk}", "applicant", organisation=app.organisation)
    return transition(app, "submitted", actor=user)


def test_the_sixteenth_project_of_an_evaluator_across_two_units_is_refused(personas, make_application):
    apps = drafts_for(personas, make_application, 16)
    for app in apps[:15]:
        submit(app)
    with pytest.raises(ActionRefused, match=r"\[V3\].*已有15项"):
        submit(apps[15])
    with unscoped():
        assert (
            Application.objects.filter(evaluator=personas.evaluator_org, submitted_at__isnull=False).count()
            == 15
        )


def test_a_resubmission_keeps_its_place_under_the_cap(personas, make_application):
    apps = drafts_for(personas, make_application, 15)
    for app in apps:
        submit(app)
    city = personas.city_a if apps[0].unit_id == personas.city_a.unit_id else personas.city_b
    transition(apps[0], "returned", actor=city, reason="补充材料")
    with unscoped():
        owner = apps[0].organisation.users.get()
    assert transition(apps[0], "submitted", actor=owner).state == "submitted"


def test_recommending_beyond_the_quota_is_refused_until_the_province_raises_it(personas, make_application):
    from greenlist.decisions.submission import override_quota

    with unscoped():  # three of 石家庄's five provincial green factories apply (F1 holds)
        listed = ProvincialListEntry.objects.filter(unit__name="石家庄市").exclude(uscc=personas.org_x.uscc)
        apps = [
            make_application(
                Organisation.objects.create(uscc=entry.uscc, name=entry.name, unit=entry.unit),
                state="city_review",
            )
            for entry in listed[:3]
        ]
    for app in apps[:2]:  # 5 provincial factories → quota 2
        transition(app, "city_recommended", actor=personas.city_a)
    with pytest.raises(ActionRefused, match=r"\[Q1\]"):
        transition(apps[2], "city_recommended", actor=personas.city_a)
    override_quota(
        batch=apps[0].batch, unit=apps[0].unit, quota=3, reason="名额调剂", actor=personas.province
    )
    assert transition(apps[2], "city_recommended", actor=personas.city_a).state == "city_recommended"
