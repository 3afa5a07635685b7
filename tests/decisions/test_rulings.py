"""Rulings on judgement findings: a dismissed name match no longer excludes; its reversal does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.decisions.rulings import reverse_ruling, rule_on_finding
from greenlist.decisions.transitions import transition
from greenlist.screening import verdicts
from greenlist.screening.models import Ruling
from tests.factories import dishonest


def e6(application):
    findings = verdicts.stored(application.batch, ids=[application.pk]).result.applications[0].findings
    return next(f for f in findings if f.rule == "E6")


def proof() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "核查说明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def test_a_dismissed_name_match_is_eligible_in_the_next_run_and_excluded_again_when_reversed(
    personas, clean_application
):
    application = clean_application()
    dishonest(application.organisation, by_name=True)
    finding = e6(application)
    assert finding.excludes and finding.evidence["matched_by_name"]
    with pytest.raises(RuleRefused, match="证明材料"):
        rule_on_finding(
            application, finding.fingerprint, decision="dismissed", reason="同名异企", actor=personas.city_a
        )
    ruling = rule_on_finding(
        application,
        finding.fingerprint,
        decision="dismissed",
        reason="同名不同企业，统一社会信用代码不符",
        evidence=proof(),
        actor=personas.city_a,
    )
    stored = verdicts.stored(application.batch, ids=[application.pk]).result.applications[0]
    assert stored.eligible and e6(application).dismissed
    transition(application, "city_recommended", actor=personas.city_a)
    transition(application, "city_review", actor=personas.city_a, reason="省厅撤销认定后复核")

    with pytest.raises(NotPermitted):
        reverse_ruling(ruling, reason="证明不足", actor=personas.city_a)
    reverse_ruling(ruling, reason="证明材料不足以排除", actor=personas.province)
    assert not verdicts.stored(application.batch, ids=[application.pk]).result.applications[0].eligible
    with pytest.raises(RuleRefused, match="E6"):
        transition(application, "city_recommended", actor=personas.city_a)


def test_only_the_province_dismisses_a_record_matched_by_uscc(personas, clean_application):
    application = clean_application()
    dishonest(application.organisation)
    finding = e6(application)
    with pytest.raises(NotPermitted, match="只有省厅"):
        rule_on_finding(
            application,
            finding.fingerprint,
            decision="dismissed",
            reason="已履行",
            evidence=proof(),
            actor=personas.city_a,
        )
    assert not Ruling.objects.exists()
    rule_on_finding(
        application,
        finding.fingerprint,
        decision="dismissed",
        reason="法院已解除失信",
        evidence=proof(),
        actor=personas.province,
    )
    assert verdicts.stored(application.batch, ids=[application.pk]).result.applications[0].eligible
