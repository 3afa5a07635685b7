"""报送 freezes the list as a snapshot; the province returns it with a reason, which reopens it."""

from __future__ import annotations

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application, Consultation, UnitSubmission
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.decisions.submission import (
    record_consultation,
    record_handling,
    return_submission,
    snapshot_hash,
    submission_blockers,
    submit_to_province,
)
from greenlist.decisions.transitions import transition
from greenlist.scoping import unscoped
from tests.campaign.test_unit_actions import BEFORE_DEADLINE, consult_all, recommend


@pytest.fixture
def ready(personas, batch):
    """石家庄市 with two clean recommendations (within its quota) and every opinion recorded."""
    recommend(personas, batch, 2)
    unit = personas.org_x.unit
    consult_all(personas, batch, unit)
    return unit


def test_submission_needs_confirmation_and_freezes_the_list_until_returned(personas, batch, ready):
    with pytest.raises(RuleRefused, match="请确认"):
        submit_to_province(batch=batch, unit=ready, actor=personas.city_a, confirm=False, now=BEFORE_DEADLINE)
    submission = submit_to_province(batch=batch, unit=ready, actor=personas.city_a, now=BEFORE_DEADLINE)
    with unscoped():
        recommended = list(Application.objects.filter(unit=ready, state="city_recommended"))
        event = AuditEvent.objects.filter(action=Action.UNIT_SUBMITTED).latest("id")
    assert event.details["snapshot_hash"] == submission.snapshot_hash == snapshot_hash(submission.snapshot)
    assert sorted(e["id"] for e in submission.snapshot["applications"]) == sorted(a.pk for a in recommended)

    frozen = recommended[0]
    with pytest.raises(RuleRefused, match="已冻结"):
        transition(frozen, "city_review", actor=personas.city_a, reason="调整名单")
    with pytest.raises(RuleRefused, match="已冻结"):
        record_consultation(
            batch=batch,
            unit=ready,
            department="market_regulation",
            agrees=False,
            opinion="改变意见",
            actor=personas.city_a,
        )
    with unscoped():
        assert Application.objects.get(pk=frozen.pk).state == "city_recommended"
        assert Consultation.objects.get(unit=ready, department="market_regulation").agrees

    with pytest.raises(NotPermitted):
        return_submission(batch=batch, unit=ready, reason="退回", actor=personas.city_a)
    with pytest.raises(RuleRefused, match="理由"):
        return_submission(batch=batch, unit=ready, reason=" ", actor=personas.province)
    return_submission(batch=batch, unit=ready, reason="请补充第三方评价报告", actor=personas.province)
    with unscoped():
        reopened = UnitSubmission.objects.get(batch=batch, unit=ready)
    assert reopened.submitted_at is None and reopened.return_reason == "请补充第三方评价报告"
    assert transition(frozen, "city_review", actor=personas.city_a, reason="调整名单").state == "city_review"


def test_a_department_objection_blocks_until_the_city_records_its_handling(personas, batch, ready):
    record_consultation(
        batch=batch,
        unit=ready,
        department="ecology_environment",
        agrees=False,
        opinion="某企业有环境信访",
        actor=personas.city_a,
    )
    blockers = submission_blockers(batch, ready, BEFORE_DEADLINE)
    assert [(f.rule, f.evidence.get("dissent")) for f in blockers] == [("C1", True)]
    with pytest.raises(RuleRefused, match="C1"):
        submit_to_province(batch=batch, unit=ready, actor=personas.city_a, now=BEFORE_DEADLINE)
    record_handling(
        batch=batch,
        unit=ready,
        department="ecology_environment",
        handling="经核查信访已办结，维持推荐",
        actor=personas.city_a,
    )
    assert submission_blockers(batch, ready, BEFORE_DEADLINE) == []
    submission = submit_to_province(batch=batch, unit=ready, actor=personas.city_a, now=BEFORE_DEADLINE)
    assert submission.snapshot["opinions"][0]["handling"] == "经核查信访已办结，维持推荐"


def test_a_third_party_application_needs_its_evaluation_report_before_submission(personas, batch, ready):
    with unscoped():
        application = Application.objects.filter(unit=ready, state="city_recommended").first()
        application.method, application.evaluator = "third_party", personas.evaluator_org
        application.save()
    blockers = submission_blockers(batch, ready, BEFORE_DEADLINE)
    assert any(f.rule == "R1" and "第三方评价报告" in f.message for f in blockers)
