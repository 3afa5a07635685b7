from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application, Attachment, Consultation, UnitSubmission
from greenlist.decisions.submission import (
    override_quota,
    record_consultation,
    reopen_submission,
    submission_blockers,
    submit_to_province,
)
from greenlist.registry.models import ProvincialListEntry
from greenlist.scoping import unscoped
from tests.conftest import make_user
from tests.factories import listed_factory

BEFORE_DEADLINE = dt.datetime(2024, 7, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def unit_a(personas):
    return personas.org_x.unit


def recommend(personas, batch, n):
    """n clean recommended green factories in 石家庄市, each with its experience report."""
    with unscoped():
        for index in range(n):
            org = listed_factory("石家庄市", f"石家庄推荐{index}有限公司")
            app = Application.objects.create(
                batch=batch, organisation=org, unit=org.unit, category="factory", state="city_recommended"
            )
            Attachment.objects.create(
                application=app,
                kind="experience_report",
                file="r.docx",
                original_name="r.docx",
                sha256="0" * 64,
                size=1,
                uploaded_by=personas.city_a,
            )


def consult_all(personas, batch, unit, who=None):
    for department in ["ecology_environment", "emergency_management", "market_regulation"]:
        record_consultation(
            batch=batch,
            unit=unit,
            department=department,
            agrees=True,
            opinion="同意",
            actor=who or personas.city_a,
        )


def rules_of(findings):
    return sorted({f.rule for f in findings})


def test_blockers_name_c1_and_q1_until_resolved(personas, batch, unit_a):
    # 5 provincial factories from the personas + 4 recommended ones = 9 → quota 3; 4 recommended.
    recommend(personas, batch, 4)
    assert rules_of(submission_blockers(batch, unit_a, BEFORE_DEADLINE)) == ["C1", "Q1"]
    consult_all(personas, batch, unit_a)
    assert rules_of(submission_blockers(batch, unit_a, BEFORE_DEADLINE)) == ["Q1"]
    override_quota(
        batch=batch, unit=unit_a, quota=4, reason="梯度培育体系建设成效突出", actor=personas.province
    )
    assert submission_blockers(batch, unit_a, BEFORE_DEADLINE) == []


def test_submitting_is_refused_with_every_reason_then_succeeds_and_is_audited(personas, batch, unit_a):
    recommend(personas, batch, 1)
    with unscoped():
        ProvincialListEntry.objects.bulk_create(
            [
                ProvincialListEntry(
                    uscc=f"Y{i}",
                    name=f"其他{i}",
                    name_normalised=f"其他{i}",
                    category="factory",
                    level="provincial",
                    unit=unit_a,
                    year=2021,
                    status="active",
                )
                for i in range(4)
            ]
        )
    with pytest.raises(ActionRefused, match=r"\[C1\]"):
        submit_to_province(batch=batch, unit=unit_a, actor=personas.city_a, now=BEFORE_DEADLINE)
    consult_all(personas, batch, unit_a)
    submit_to_province(batch=batch, unit=unit_a, actor=personas.city_a, now=BEFORE_DEADLINE)
    with unscoped():
        submission = UnitSubmission.objects.get(unit=unit_a)
        assert submission.submitted_at == BEFORE_DEADLINE and submission.submitted_by == personas.city_a
        assert AuditEvent.objects.filter(action=Action.UNIT_SUBMITTED, unit=unit_a).count() == 1
    with pytest.raises(ActionRefused, match="已于"):
        submit_to_province(batch=batch, unit=unit_a, actor=personas.city_a, now=BEFORE_DEADLINE)


def test_after_the_deadline_only_a_reopening_lets_a_unit_submit(personas, batch, unit_a):
    consult_all(personas, batch, unit_a)
    late = dt.datetime(2024, 7, 20, 9, 0, tzinfo=dt.UTC)
    assert rules_of(submission_blockers(batch, unit_a, late)) == ["D1"]
    with pytest.raises(ActionRefused, match="只有省厅"):
        reopen_submission(
            batch=batch,
            unit=unit_a,
            until=timezone.now() + dt.timedelta(days=3),
            reason="补报",
            actor=personas.city_a,
        )
    reopen_submission(
        batch=batch,
        unit=unit_a,
        until=timezone.now() + dt.timedelta(days=3),
        reason="因汛期延误",
        actor=personas.province,
    )
    assert submission_blockers(batch, unit_a) == []
    with unscoped():
        event = AuditEvent.objects.get(action=Action.UNIT_REOPENED)
    assert event.reason == "因汛期延误" and event.actor == personas.province


def test_a_recommended_application_without_its_report_blocks_under_r1(personas, batch, unit_a):
    consult_all(personas, batch, unit_a)
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(state="city_recommended")
    blockers = submission_blockers(batch, unit_a, BEFORE_DEADLINE)
    assert "R1" in rules_of(blockers)


def test_only_the_unit_or_the_named_department_records_an_opinion(personas, batch, unit_a):
    record_consultation(
        batch=batch,
        unit=unit_a,
        department="market_regulation",
        agrees=False,
        opinion="某企业有行政处罚记录，建议核实",
        actor=personas.dept_a,
    )
    with pytest.raises(ActionRefused):
        record_consultation(
            batch=batch,
            unit=unit_a,
            department="ecology_environment",
            agrees=True,
            opinion="同意",
            actor=personas.dept_a,
        )  # another department's opinion
    with pytest.raises(ActionRefused):
        record_consultation(
            batch=batch,
            unit=unit_a,
            department="market_regulation",
            agrees=True,
            opinion="同意",
            actor=personas.city_b,
        )
    with pytest.raises(ActionRefused, match="请填写意见"):
        record_consultation(
            batch=batch,
            unit=unit_a,
            department="market_regulation",
            agrees=True,
            opinion=" ",
            actor=personas.city_a,
        )
    with unscoped():
        assert Consultation.objects.get(unit=unit_a).agrees is False


def test_a_quota_override_needs_the_province_and_a_reason(personas, batch, unit_a):
    for actor, reason in [(personas.city_a, "理由"), (personas.province, "  ")]:
        with pytest.raises(ActionRefused):
            override_quota(batch=batch, unit=unit_a, quota=5, reason=reason, actor=actor)
    other_province = make_user("p2", "province")
    override_quota(batch=batch, unit=unit_a, quota=5, reason="名额调剂", actor=other_province)
    with unscoped():
        event = AuditEvent.objects.get(action=Action.QUOTA_OVERRIDE)
    assert event.details == {"from": None, "to": 5}
