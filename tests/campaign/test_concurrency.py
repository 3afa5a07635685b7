"""Real parallel transactions on PostgreSQL: the counted limits and optimistic locking hold."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.decisions.transitions import transition, update_application
from greenlist.registry.models import Organisation, ProvincialListEntry
from greenlist.scoping import unscoped
from tests.conftest import make_org, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL")


def in_parallel(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the refusal is the expected outcome for one of them
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_units_submitting_the_15th_and_16th_project_at_once_never_exceed_the_cap(
    personas, make_application
):
    with unscoped():
        apps = [
            make_application(
                make_org(["石家庄市", "唐山市"][i % 2]),
                method="third_party",
                evaluator=personas.evaluator_org,
            )
            for i in range(16)
        ]
        owners = [make_user(f"o{a.pk}", "applicant", organisation=a.organisation) for a in apps]
    for app, owner in zip(apps[:14], owners[:14], strict=True):
        transition(app, "submitted", actor=owner)
    results = in_parallel(
        lambda: transition(apps[14], "submitted", actor=owners[14]),
        lambda: transition(apps[15], "submitted", actor=owners[15]),
    )
    assert sorted(isinstance(r, ActionRefused) for r in results) == [False, True]
    with unscoped():
        assert (
            Application.objects.filter(evaluator=personas.evaluator_org, submitted_at__isnull=False).count()
            == 15
        )


def test_the_legal_entity_and_its_branch_submitting_the_15th_and_16th_at_once_never_exceed_the_cap(
    personas, make_application
):
    from greenlist.campaign.evaluator_cap import counted_projects
    from greenlist.registry.models import Evaluator
    from tests.conftest import new_uscc

    entity = personas.evaluator_org
    with unscoped():
        branch = Evaluator.objects.create(
            uscc=new_uscc("130200"), name="测试评价机构唐山分公司", legal_entity_uscc=entity.uscc
        )
        apps = [
            make_application(
                make_org(["石家庄市", "唐山市"][i % 2]),
                method="third_party",
                evaluator=[entity, branch][i % 2],
            )
            for i in range(16)
        ]
        owners = [make_user(f"o{a.pk}", "applicant", organisation=a.organisation) for a in apps]
    for app, owner in zip(apps[:14], owners[:14], strict=True):
        transition(app, "submitted", actor=owner)
    # One through the legal entity, one through its branch, at the same moment.
    results = in_parallel(
        lambda: transition(apps[14], "submitted", actor=owners[14]),
        lambda: transition(apps[15], "submitted", actor=owners[15]),
    )
    assert sorted(isinstance(r, ActionRefused) for r in results) == [False, True]
    [refusal] = [r for r in results if isinstance(r, ActionRefused)]
    assert "V3" in str(refusal)
    with unscoped():
        assert counted_projects(apps[0].batch, entity).count() == 15


def test_parallel_recommendations_never_exceed_the_quota(personas, make_application):
    with unscoped():  # four of 石家庄's five provincial green factories apply (F1 holds)
        listed = ProvincialListEntry.objects.filter(unit__name="石家庄市").exclude(uscc=personas.org_x.uscc)
        apps = [
            make_application(
                Organisation.objects.create(uscc=entry.uscc, name=entry.name, unit=entry.unit),
                state="city_review",
            )
            for entry in listed[:4]
        ]
    transition(apps[0], "city_recommended", actor=personas.city_a)  # quota 2: one place left
    results = in_parallel(
        *[lambda a=a: transition(a, "city_recommended", actor=personas.city_a) for a in apps[1:]]
    )
    assert sum(isinstance(r, Application) for r in results) == 1
    assert all(isinstance(r, (Application, ActionRefused)) for r in results)
    with unscoped():
        assert Application.objects.filter(unit=apps[0].unit, state="city_recommended").count() == 2


def test_two_saves_of_the_same_version_never_lose_an_update(personas):
    version = personas.app_x.version
    results = in_parallel(
        lambda: update_application(
            personas.app_x, {"industry": "钢铁"}, actor=personas.applicant_x, expected_version=version
        ),
        lambda: update_application(
            personas.app_x, {"industry": "水泥"}, actor=personas.applicant_x, expected_version=version
        ),
    )
    refused = [r for r in results if isinstance(r, ActionRefused)]
    saved = [r for r in results if isinstance(r, Application)]
    assert len(refused) == 1 and len(saved) == 1 and "已在别处被修改" in str(refused[0])
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).industry == saved[0].industry
