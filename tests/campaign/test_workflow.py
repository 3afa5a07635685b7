from __future__ import annotations

import pytest

from greenlist.audit.log import verify
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign import workflow
from greenlist.campaign.actions import ActionRefused
from greenlist.campaign.models import Application
from greenlist.campaign.workflow import State
from greenlist.decisions.transitions import transition
from greenlist.scoping import unscoped
from tests.factories import mark_submitted

# (from, to, persona allowed to make it, reason)
ALLOWED = [
    ("draft", "submitted", "applicant_x", ""),
    ("returned", "submitted", "applicant_x", ""),
    ("submitted", "city_review", "city_a", ""),
    ("submitted", "returned", "city_a", "材料不全"),
    ("city_review", "returned", "city_a", "得分有误"),
    ("city_review", "city_recommended", "city_a", ""),
    ("city_review", "city_not_recommended", "city_a", "名额已满"),
    ("city_recommended", "city_review", "city_a", "重新排序"),
    ("city_not_recommended", "city_review", "city_a", "复核"),
    ("city_recommended", "province_recommended", "province", ""),
    ("city_recommended", "province_not_recommended", "province", "优中选优未入选"),
    ("province_recommended", "city_recommended", "province", "纠正"),
    ("province_not_recommended", "city_recommended", "province", "纠正"),
]


def test_the_table_lists_every_transition_once():
    pairs = [(t.source, t.target) for t in workflow.TRANSITIONS]
    assert len(pairs) == len(set(pairs)) == len(ALLOWED)
    assert {(s, t) for s, t, _, _ in ALLOWED} == {(str(s), str(t)) for s, t in pairs}


@pytest.mark.parametrize(("source", "target", "who", "reason"), ALLOWED)
def test_the_allowed_role_makes_the_move_and_it_is_audited(personas, source, target, who, reason):
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(state=source)
        if target == "province_recommended":  # the province decides on submitted lists only
            mark_submitted(personas.app_x.batch, "石家庄市")
        before = AuditEvent.objects.count()
    moved = transition(personas.app_x, target, actor=getattr(personas, who), reason=reason)
    assert moved.state == target
    with unscoped():
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
    assert event.action == Action.APPLICATION_TRANSITION
    assert event.actor == getattr(personas, who)
    assert event.details["from"] == source and event.details["to"] == target
    assert event.reason == reason
    assert event.object_id == str(personas.app_x.pk)
    assert list(verify()) == []


OUTSIDERS = ["city_b", "dept_a", "applicant_y", "evaluator", "province", "city_a", "applicant_x"]


REFUSED = [(s, t, outsider, r) for s, t, who, r in ALLOWED for outsider in OUTSIDERS if outsider != who]


@pytest.mark.parametrize(("source", "target", "outsider", "reason"), REFUSED)
def test_every_other_persona_is_refused_and_nothing_changes(personas, source, target, outsider, reason):
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(state=source)
        before = AuditEvent.objects.count()
    with pytest.raises(ActionRefused):
        transition(personas.app_x, target, actor=getattr(personas, outsider), reason=reason or "理由")
    with unscoped():
        assert Application.objects.get(pk=personas.app_x.pk).state == source
        assert AuditEvent.objects.count() == before


def test_a_move_not_in_the_table_is_refused_with_a_chinese_message(personas):
    with pytest.raises(ActionRefused, match="不能变更为"):
        transition(personas.app_x, State.PROVINCE_RECOMMENDED, actor=personas.province)


def test_a_reason_is_required_where_the_table_says_so(personas):
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(state="submitted")
    with pytest.raises(ActionRefused, match="须填写理由"):
        transition(personas.app_x, State.RETURNED, actor=personas.city_a, reason="  ")


def test_first_submission_sets_the_submission_time_and_resubmission_keeps_it(personas):
    first = transition(personas.app_x, State.SUBMITTED, actor=personas.applicant_x)
    assert first.submitted_at is not None
    transition(personas.app_x, State.RETURNED, actor=personas.city_a, reason="补充材料")
    again = transition(personas.app_x, State.SUBMITTED, actor=personas.applicant_x)
    assert again.submitted_at == first.submitted_at
    assert again.version == first.version + 2
