"""Filing, the city's audit and on-site checks: who may, what changes, what is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from greenlist.audit.models import Action, AuditEvent
from greenlist.decisions.refusals import NotPermitted, RuleRefused
from greenlist.dynamic import service
from greenlist.dynamic.models import Filing, FilingReview, FilingState, OnSiteCheck
from greenlist.registry.models import UnitScore
from greenlist.scoping import unscoped
from tests.dynamic.conftest import entry_of
from tests.dynamic.test_filing_rules import good_values

pytestmark = pytest.mark.django_db


def state_of(filing: Filing) -> str:
    with unscoped():
        return Filing.objects.get(pk=filing.pk).state


def test_the_applicant_files_its_own_table_and_the_submission_is_audited(filed):
    assert filed.filing_x.state == FilingState.SUBMITTED
    assert filed.filing_x.values["energy_intensity"] == "0.5"
    event = AuditEvent.objects.filter(action=Action.FILING_SUBMITTED, object_id=str(filed.filing_x.pk)).get()
    assert event.unit_id == filed.filing_x.unit_id
    assert event.details["to"] == "submitted"


def test_an_applicant_cannot_file_for_another_unit(personas, cycle):
    with pytest.raises(NotPermitted):
        service.save_filing(
            entry_of(personas.org_y), cycle, good_values(), actor=personas.applicant_x, submit=True
        )
    with unscoped():
        assert not Filing.objects.exists()


def test_a_submission_with_bad_values_saves_nothing(personas, cycle):
    result = service.save_filing(
        entry_of(personas.org_x),
        cycle,
        good_values(water_reuse="140"),
        actor=personas.applicant_x,
        submit=True,
    )
    assert result.errors == {"water_reuse": "“水重复利用率”不得大于 100"}
    with unscoped():
        assert not Filing.objects.exists()


def test_a_city_can_never_audit_another_citys_filing(filed):
    with pytest.raises(NotPermitted):
        service.review(filed.filing_x, "accepted", actor=filed.city_b)
    assert state_of(filed.filing_x) == FilingState.SUBMITTED
    response = filed.client(filed.city_b).post(
        f"/dynamic/filings/{filed.filing_x.pk}/review/", {"decision": "accepted"}
    )
    assert response.status_code == 404
    assert state_of(filed.filing_x) == FilingState.SUBMITTED
    with unscoped():
        assert not FilingReview.objects.exists()


def test_the_province_and_the_department_read_but_do_not_audit(filed):
    for user in (filed.province, filed.dept_a):
        with pytest.raises(NotPermitted):
            service.review(filed.filing_x, "accepted", actor=user)
    assert state_of(filed.filing_x) == FilingState.SUBMITTED


def test_accepting_a_filing_feeds_the_units_score_of_the_data_year(filed, cycle):
    service.review(filed.filing_x, "accepted", actor=filed.city_a)
    assert state_of(filed.filing_x) == FilingState.ACCEPTED
    score = UnitScore.objects.get(entry=entry_of(filed.org_x))
    assert (score.year, score.score, score.source) == (cycle.data_year, Decimal("86"), "filing")
    assert AuditEvent.objects.filter(action=Action.FILING_ACCEPTED, object_id=str(filed.filing_x.pk)).exists()


def test_returning_needs_a_reason_and_lets_the_applicant_correct(filed, cycle):
    with pytest.raises(RuleRefused, match="须写明理由"):
        service.review(filed.filing_x, "returned", actor=filed.city_a)
    service.review(filed.filing_x, "returned", actor=filed.city_a, reason="取水量与统计报表不一致")
    with unscoped():
        filing = Filing.objects.get(pk=filed.filing_x.pk)
    assert (filing.state, filing.returned_reason) == (FilingState.RETURNED, "取水量与统计报表不一致")
    page = filed.client(filed.applicant_x).get(f"/dynamic/entries/{filing.entry_id}/file/").content.decode()
    assert "取水量与统计报表不一致" in page
    again = service.save_filing(
        entry_of(filed.org_x), cycle, good_values(water_intake="70000"), actor=filed.applicant_x, submit=True
    )
    assert again.errors == {}
    assert state_of(filing) == FilingState.SUBMITTED


def test_an_on_site_check_is_ordered_recorded_with_an_attachment_then_decided(filed):
    response = filed.client(filed.city_a).post(
        f"/dynamic/filings/{filed.filing_x.pk}/review/",
        {
            "decision": "onsite",
            "assignee": "市节能监察支队 王工",
            "due_on": "2025-03-25",
            "reason": "能耗上升",
        },
    )
    assert response.status_code == 302
    assert state_of(filed.filing_x) == FilingState.ONSITE_ORDERED
    with unscoped():
        check = OnSiteCheck.objects.get(filing=filed.filing_x)
    assert (check.assignee, check.due_on) == ("市节能监察支队 王工", dt.date(2025, 3, 25))
    with pytest.raises(RuleRefused, match="现场核查尚未记录结果"):
        service.review(filed.filing_x, "accepted", actor=filed.city_a)
    with pytest.raises(NotPermitted):
        service.record_onsite(check, actor=filed.city_b, findings="越权")
    service.record_onsite(
        check,
        actor=filed.city_a,
        findings="关键指标属实，已整改",
        name="核查记录.pdf",
        data=b"%PDF-1.4\n%%EOF\n",
    )
    with unscoped():
        check.refresh_from_db()
    assert (check.state, check.attachment_type) == ("done", "pdf")
    download = filed.client(filed.city_a).get(f"/dynamic/onsite/{check.pk}/file/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert filed.client(filed.city_b).get(f"/dynamic/onsite/{check.pk}/file/").status_code == 404
    service.review(filed.filing_x, "accepted", actor=filed.city_a)
    assert state_of(filed.filing_x) == FilingState.ACCEPTED
    actions = list(
        AuditEvent.objects.filter(object_id=str(filed.filing_x.pk), object_type="dynamic.Filing")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        Action.FILING_SUBMITTED,
        Action.ONSITE_ORDERED,
        Action.ONSITE_RECORDED,
        Action.FILING_ACCEPTED,
    ]


def test_an_attachment_that_is_not_a_document_is_refused_and_nothing_recorded(filed):
    service.review(filed.filing_x, "onsite", actor=filed.city_a, assignee="张三", due_on=dt.date(2025, 3, 20))
    with unscoped():
        check = OnSiteCheck.objects.get(filing=filed.filing_x)
    with pytest.raises(RuleRefused, match="核查材料未上传"):
        service.record_onsite(
            check, actor=filed.city_a, findings="属实", name="x.exe", data=b"MZ\x90\x00binary"
        )
    with unscoped():
        assert OnSiteCheck.objects.get(pk=check.pk).state == "ordered"


def test_a_late_filing_shows_its_flag_on_the_citys_page(personas, cycle):
    late = cycle.filing_deadline + dt.timedelta(days=5)
    service.save_filing(
        entry_of(personas.org_x), cycle, good_values(), actor=personas.applicant_x, submit=True, now=late
    )
    with unscoped():
        filing = Filing.objects.get(entry=entry_of(personas.org_x))
    flags = service.flags(filing.entry, cycle, filing, now=late)
    assert [f.rule for f in flags] == ["DM1"]
    page = personas.client(personas.city_a).get(f"/dynamic/filings/{filing.pk}/").content.decode()
    assert "晚于填报截止时间" in page


def test_the_form_shows_last_years_value_and_flags_a_change_over_the_threshold(personas, cycle):
    entry = entry_of(personas.org_x)
    with unscoped():
        Filing.objects.create(
            entry=entry,
            cycle_year=cycle.year - 1,
            form_version="dynamic-form-v1",
            values=good_values(energy_intensity="0.40"),
            state=FilingState.ACCEPTED,
        )
    client = personas.client(personas.applicant_x)
    response = client.post(f"/dynamic/entries/{entry.pk}/file/", {**good_values(), "action": "save"})
    assert response.status_code == 302
    page = client.get(f"/dynamic/entries/{entry.pk}/file/").content.decode()
    assert "0.40" in page
    assert "+25.0% 变差超过阈值" in page
    # The form's unverified status is said once, by its badge, not again in its title.
    form_line = page[page.index("填报表：") :].split("</p>")[0]
    assert form_line.count("待核实") == 1


def test_a_city_sees_its_filings_and_not_another_citys(filed):
    page = filed.client(filed.city_a).get("/dynamic/").content.decode()
    assert entry_of(filed.org_x).name in page
    assert entry_of(filed.org_y).name not in page


def test_the_progress_page_counts_per_city_with_the_countdown(filed):
    service.review(filed.filing_x, "accepted", actor=filed.city_a)
    page = filed.client(filed.province).get("/dynamic/progress/?cycle=2025").content.decode()
    assert "国家平台填报截止" in page
    assert "已截止" in page
    assert "待核实" in page
    from greenlist.dynamic.progress import city_progress
    from greenlist.registry.models import RecommendingUnit

    rows = {r.unit.name: r for r in city_progress(service.cycle(2025), list(RecommendingUnit.objects.all()))}
    assert (rows["石家庄市"].listed, rows["石家庄市"].filed, rows["石家庄市"].accepted) == (5, 1, 1)
    assert (rows["唐山市"].filed, rows["唐山市"].audited) == (1, 0)


def test_the_standing_page_shows_history_the_national_average_and_the_watchlist(personas):
    from greenlist.registry.models import ProvincialListEntry
    from tests.conftest import new_uscc, unit

    with unscoped():
        entries = list(ProvincialListEntry.objects.filter(level="provincial").order_by("pk"))
        bottom = entries[0]
        for year in (2022, 2023, 2024):
            for index, entry in enumerate(entries):
                UnitScore.objects.create(
                    entry=entry, year=year, score=Decimal(60 if entry == bottom else 80 + index)
                )
        for score in (88, 92):
            national = ProvincialListEntry.objects.create(
                uscc=new_uscc(),
                name=f"国家级工厂{score}",
                category="factory",
                level="national",
                unit=unit("唐山市"),
                year=2020,
                status="active",
            )
            UnitScore.objects.create(entry=national, year=2024, score=Decimal(score))
    page = personas.client(personas.province).get("/dynamic/standing/?category=factory&level=provincial")
    table = page.context["table"]
    assert table.years == [2022, 2023, 2024]
    assert table.watchlist == [bottom]
    assert table.averages[2024].average == Decimal("90.00")
    text = page.content.decode()
    assert f'{bottom.name} <strong class="bad">观察</strong>' in text
    city_b = personas.client(personas.city_b).get("/dynamic/standing/?category=factory&level=provincial")
    names = {row.entry.name for row in city_b.context["table"].rows}
    assert names == {e.name for e in entries if e.unit.name == "唐山市"}
    only = personas.client(personas.province).get(
        "/dynamic/standing/?category=factory&level=provincial&unit=tangshan"
    )
    assert {row.entry.unit.name for row in only.context["table"].rows} == {"唐山市"}
