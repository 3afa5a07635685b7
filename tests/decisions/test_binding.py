"""The stored verdict binds every decision: no excluded applicant reaches a list, warnings are
acknowledged, the province decides only on submitted lists, and a refusal changes nothing."""

from __future__ import annotations

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.decisions.transitions import transition, update_application
from greenlist.registry.models import BlacklistEntry
from greenlist.scoping import unscoped
from tests.conftest import make_evaluator, make_org
from tests.factories import dishonest, mark_submitted


def state_of(application: Application) -> tuple:
    with unscoped():
        fresh = Application.objects.get(pk=application.pk)
        return fresh.state, fresh.version, fresh.evaluator_id, AuditEvent.objects.count()


def test_an_excluded_application_cannot_be_recommended_by_the_city(personas, clean_application):
    application = clean_application()
    dishonest(application.organisation)
    before = state_of(application)
    with pytest.raises(RuleRefused) as refused:
        transition(application, "city_recommended", actor=personas.city_a)
    assert state_of(application) == before
    message = str(refused.value)
    assert application.organisation.name in message and "E6" in message and "一、总体要求" in message
    assert [f.rule for f in refused.value.findings] == ["E6"]


def test_an_excluded_application_cannot_be_recommended_by_the_province(batch, personas, clean_application):
    application = clean_application()
    transition(application, "city_recommended", actor=personas.city_a)
    mark_submitted(batch, "石家庄市")
    dishonest(application.organisation)  # learnt after the city's decision
    before = state_of(application)
    with pytest.raises(RuleRefused, match="E6"):
        transition(application, "province_recommended", actor=personas.province)
    assert state_of(application) == before


def test_the_province_decides_only_on_a_submitted_list(batch, personas, clean_application):
    application = clean_application()
    transition(application, "city_recommended", actor=personas.city_a)
    before = state_of(application)
    with pytest.raises(RuleRefused, match="尚未报送"):
        transition(application, "province_recommended", actor=personas.province)
    assert state_of(application) == before
    mark_submitted(batch, "石家庄市")
    assert (
        transition(application, "province_recommended", actor=personas.province).state
        == "province_recommended"
    )


def test_a_role_that_may_not_make_the_move_is_told_so(personas, clean_application):
    application = clean_application()
    before = state_of(application)
    with pytest.raises(NotPermitted):
        transition(application, "province_recommended", actor=personas.city_a)
    with pytest.raises(NotPermitted):
        transition(application, "city_recommended", actor=personas.city_b)  # another unit's
    assert state_of(application) == before


def test_warnings_must_be_acknowledged_and_the_acknowledgement_is_audited(personas, make_application):
    with unscoped():  # not a provincial green factory: S1 warns
        application = make_application(
            make_org("石家庄市", "供应链提示公司"),
            category="supply_chain",
            method="self",
            state="city_review",
            submitted_at="2024-06-01T10:00:00+08:00",
        )
    before = state_of(application)
    with pytest.raises(RuleRefused, match="S1") as refused:
        transition(application, "city_recommended", actor=personas.city_a)
    assert state_of(application) == before
    assert "S1" in {f.rule for f in refused.value.findings}
    warned = sorted({f.rule for f in refused.value.findings})
    transition(application, "city_recommended", actor=personas.city_a, acknowledge=warned)
    with unscoped():
        event = AuditEvent.objects.filter(action=Action.APPLICATION_TRANSITION).latest("id")
    assert event.details["acknowledged"] == warned


@pytest.mark.parametrize("trouble", ["blacklisted", "full"])
def test_an_applicant_cannot_choose_an_evaluator_that_cannot_take_the_project(
    batch, personas, make_application, trouble
):
    with unscoped():
        evaluator = make_evaluator("问题评价机构")
        if trouble == "blacklisted":
            BlacklistEntry.objects.create(
                evaluator_uscc=evaluator.uscc, listed_on="2024-01-10", reason="弄虚作假"
            )
        else:
            for index in range(batch.parameters.evaluator_cap):
                make_application(
                    make_org("唐山市", f"满额项目{index}"),
                    method="third_party",
                    evaluator=evaluator,
                    state="submitted",
                    submitted_at="2024-06-01T10:00:00+08:00",
                )
    application = personas.app_y
    before = state_of(application)
    with pytest.raises(RuleRefused, match="V2" if trouble == "blacklisted" else "V3"):
        update_application(
            application, {"method": "third_party", "evaluator": evaluator}, actor=personas.applicant_y
        )
    assert state_of(application) == before
