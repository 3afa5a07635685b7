"""From a filing's audit to the register: the city proposes a removal or rename of the filing's
unit, the proposal links back to the filing, the province decides, the city is told by e-mail,
and the next screening reads an approved removal as E3."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command

from greenlist.accounts.models import Role
from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.notices import deliver
from greenlist.dynamic import progress, service
from greenlist.dynamic.models import Filing, FilingState, OnSiteCheck
from greenlist.registry import proposals as register
from greenlist.registry.models import ProvincialListEntry, RegisterEvent, RegisterProposal
from greenlist.scoping import unscoped
from tests.conftest import make_user, unit
from tests.dynamic.conftest import entry_of
from tests.dynamic.test_filing_rules import good_values
from tests.factories import listed_factory

pytestmark = pytest.mark.django_db


def screen() -> dict:
    out = io.StringIO()
    call_command("screen", "--batch", "2024", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def reasons_of(uscc: str) -> set[str]:
    (found,) = [a for a in screen()["applications"] if a["uscc"] == uscc]
    return {f["rule"] for f in found["reasons"]}


def onsite_done(filing: Filing, city, findings: str) -> OnSiteCheck:
    service.review(filing, "onsite", actor=city, assignee="张核查", due_on=dt.date(2025, 3, 20))
    with unscoped():
        check = OnSiteCheck.objects.get(filing=filing)
    return service.record_onsite(check, actor=city, findings=findings)


def test_filing_onsite_removal_approval_then_e3_in_the_next_screening(personas, cycle, make_application):
    with unscoped():
        org = listed_factory("石家庄市", "石家庄丙钢铁有限公司")
        make_application(org)
    applicant = make_user("p_applicant_z", Role.APPLICANT, organisation=org)
    entry = entry_of(org)
    on_time = cycle.filing_deadline - dt.timedelta(days=2)
    result = service.save_filing(
        entry, cycle, good_values(accidents="有"), actor=applicant, submit=True, now=on_time
    )
    filing = result.filing
    assert filing is not None
    assert "E3" not in reasons_of(org.uscc)

    onsite_done(filing, personas.city_a, "主要生产线已停产，能耗在线监测数据缺失")
    city = personas.client(personas.city_a)
    page = city.get(f"/dynamic/filings/{filing.pk}/").content.decode()
    # The form starts from the flags and the findings: a removal, reason prefilled.
    assert 'value="removal" checked' in page
    assert "主要生产线已停产，能耗在线监测数据缺失" in page
    assert "（DM3）" in page

    response = city.post(
        f"/dynamic/filings/{filing.pk}/propose/",
        {
            "kind": "removal",
            "reason": "现场核查：主要生产线已停产，发生环境污染事故",
            "effective_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    with unscoped():
        proposal = RegisterProposal.objects.get(entry=entry)
    assert (proposal.filing_id, proposal.kind, proposal.status) == (filing.pk, "removal", "pending")
    event = AuditEvent.objects.get(action=Action.REGISTER_PROPOSED, object_id=str(proposal.pk))
    assert (event.details["filing"], event.details["cycle"]) == (filing.pk, 2025)

    register.approve(
        proposal, actor=personas.province, reason="同意撤销", document_number="冀工信节〔2025〕9号"
    )
    with unscoped():
        entry.refresh_from_db()
        history = list(RegisterEvent.objects.filter(entry=entry).values_list("kind", "on"))
    assert (entry.status, entry.revoked_on) == ("revoked", dt.date(2024, 3, 1))
    assert ("revoked", dt.date(2024, 3, 1)) in history
    assert "E3" in reasons_of(org.uscc)

    page = city.get(f"/dynamic/filings/{filing.pk}/").content.decode()
    assert "现场核查：主要生产线已停产，发生环境污染事故" in page
    assert "已批准" in page
    assert "冀工信节〔2025〕9号" in page
    # The register's page of the unit links the proposal back to its filing.
    register_page = city.get(f"/lists/{entry.pk}/").content.decode()
    assert f'<a href="/dynamic/filings/{filing.pk}/">来源：2025年度动态管理表</a>' in register_page
    # The unit is no longer listed: no second proposal form.
    assert f'action="/dynamic/filings/{filing.pk}/propose/"' not in page


def test_a_declared_name_change_prefills_a_rename(filed, cycle):
    with unscoped():
        filing = Filing.objects.get(pk=filed.filing_x.pk)
    filing.values = {**filing.values, "name_changed": "是", "new_name": "石家庄甲新材料有限公司"}
    filing.save()
    page = filed.client(filed.city_a).get(f"/dynamic/filings/{filing.pk}/").content.decode()
    assert 'value="rename" checked' in page
    assert 'value="石家庄甲新材料有限公司"' in page
    assert "（DM4）" in page


def test_only_the_filings_city_may_propose_from_it(filed):
    url = f"/dynamic/filings/{filed.filing_x.pk}/propose/"
    body = {"kind": "removal", "reason": "核查", "effective_on": "2025-03-01"}
    assert filed.client(filed.city_b).post(url, body).status_code == 404
    assert filed.client(filed.province).post(url, body).status_code == 403
    assert filed.client(filed.applicant_x).post(url, body).status_code == 403
    with pytest.raises(register.Forbidden):
        from greenlist.dynamic import proposals

        proposals.propose(
            filed.filing_x,
            kind="removal",
            reason="核查",
            effective_on=dt.date(2025, 3, 1),
            actor=filed.city_b,
        )
    with unscoped():
        assert not RegisterProposal.objects.exists()


def test_a_draft_filing_cannot_ground_a_proposal(personas, cycle):
    from greenlist.dynamic import proposals

    result = service.save_filing(
        entry_of(personas.org_x), cycle, {"energy_total": "1"}, actor=personas.applicant_x, submit=False
    )
    assert result.filing is not None and result.filing.state == FilingState.DRAFT
    with pytest.raises(register.Conflict):
        proposals.propose(
            result.filing, kind="removal", reason="x", effective_on=dt.date(2025, 3, 1), actor=personas.city_a
        )
    with unscoped():
        assert not RegisterProposal.objects.exists()


def test_a_filing_of_another_unit_cannot_be_linked(filed):
    with pytest.raises(register.Invalid):
        register.propose(
            entry=entry_of(filed.org_x),
            kind="removal",
            reason="x",
            effective_on=dt.date(2025, 3, 1),
            actor=filed.city_a,
            filing=filed.filing_y,
        )


def test_progress_counts_the_cycles_proposals_only(filed, cycle):
    from greenlist.dynamic import proposals

    other = ProvincialListEntry.objects.filter(unit=unit("石家庄市")).exclude(uscc=filed.org_x.uscc).first()
    # A proposal made in the register without a filing is not this cycle's work.
    register.propose(
        entry=other, kind="removal", reason="登记错误", effective_on=dt.date(2025, 1, 1), actor=filed.city_a
    )
    proposals.propose(
        filed.filing_x, kind="removal", reason="核查", effective_on=dt.date(2025, 3, 1), actor=filed.city_a
    )
    rows = {r.unit.name: r for r in progress.city_progress(cycle, [unit("石家庄市"), unit("唐山市")])}
    assert (rows["石家庄市"].proposals, rows["唐山市"].proposals) == (1, 0)


def test_the_proposing_city_is_told_of_the_decision_by_email(filed):
    from greenlist.dynamic import proposals

    for user in (filed.city_a, filed.city_b):
        user.email = f"{user.username}@example.com"
        user.save()
    approved = proposals.propose(
        filed.filing_x, kind="removal", reason="核查", effective_on=dt.date(2025, 3, 1), actor=filed.city_a
    )
    rejected = proposals.propose(
        filed.filing_y, kind="removal", reason="核查", effective_on=dt.date(2025, 3, 1), actor=filed.city_b
    )
    register.approve(approved, actor=filed.province, document_number="冀工信节〔2025〕9号")
    register.reject(rejected, actor=filed.province, reason="证据不足，请补充现场核查材料")
    # Queued in the decision's transaction, sent by the worker's sender.
    assert deliver().sent == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == [filed.city_a.email, filed.city_b.email]
    to_a = by_recipient[filed.city_a.email]
    assert to_a.subject == f"【绿色制造名单】名单调整建议已批准：{entry_of(filed.org_x).name}"
    assert "冀工信节〔2025〕9号" in to_a.body
    to_b = by_recipient[filed.city_b.email]
    assert "已驳回" in to_b.subject
    assert "证据不足，请补充现场核查材料" in to_b.body
    # Deciding is once only; no second notice.
    with pytest.raises(register.Conflict):
        register.approve(approved, actor=filed.province)
    assert deliver().sent == 0
