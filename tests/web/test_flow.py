"""Everyday work: bulk decisions with a preview, two-sided engagements, the per-engagement V4
declaration, department opinions per company, and each role's 待办 home."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.evaluator_cap import counted_projects
from greenlist.campaign.models import Application, CompanyOpinion, Engagement
from greenlist.decisions.submission import submission_blockers
from greenlist.scoping import unscoped

SUBMITTED = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def events(action: Action, **filters: object) -> list[AuditEvent]:
    with unscoped():
        return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


def state_of(*applications: Application) -> list[str]:
    with unscoped():
        return [Application.objects.get(pk=a.pk).state for a in applications]


# --- bulk ----------------------------------------------------------------------------------------


@pytest.fixture
def three(personas, clean_application):
    """Two applications of 石家庄市 waiting to be accepted and one already under review."""
    first = clean_application(name="甲制造有限公司", state="submitted")
    second = clean_application(name="乙制造有限公司", state="submitted")
    reviewing = clean_application(name="丙制造有限公司")
    return first, second, reviewing


def test_bulk_accept_previews_then_moves_each_with_its_own_event(personas, three):
    first, second, reviewing = three
    client = personas.client(personas.city_a)
    picked = {"action": "accept", "ids": [first.pk, second.pk, reviewing.pk]}
    before = events(Action.APPLICATION_TRANSITION)

    preview = client.post("/applications/bulk/", {**picked, "step": "preview"})
    page = preview.content.decode()
    assert [o.application.pk for o in preview.context["passed"]] == [first.pk, second.pk]
    [refused] = preview.context["refused"]
    assert refused.application.pk == reviewing.pk and "推荐单位审核中" in refused.message
    assert "尚未作任何修改" in page
    assert state_of(first, second, reviewing) == ["submitted", "submitted", "city_review"]
    assert events(Action.APPLICATION_TRANSITION) == before  # the preview wrote nothing

    done = client.post("/applications/bulk/", {**picked, "step": "confirm"})
    assert "已办理" in done.content.decode() and len(done.context["refused"]) == 1
    assert state_of(first, second, reviewing) == ["city_review", "city_review", "city_review"]
    moved = [e for e in events(Action.APPLICATION_TRANSITION) if e not in before]
    assert sorted(int(e.object_id) for e in moved) == sorted([first.pk, second.pk])
    assert {e.details["to"] for e in moved} == {"city_review"}
    assert len({e.details["bulk"] for e in moved}) == 1 and moved[0].actor == personas.city_a


def test_bulk_not_recommend_needs_a_reason_and_records_it_on_each(personas, three):
    _, _, reviewing = three
    client = personas.client(personas.city_a)
    before = events(Action.APPLICATION_TRANSITION)
    refused = client.post(
        "/applications/bulk/",
        {"action": "not_recommend", "ids": [reviewing.pk], "step": "confirm"},
        follow=True,
    )
    assert "须填写理由" in refused.content.decode()
    assert state_of(reviewing) == ["city_review"] and events(Action.APPLICATION_TRANSITION) == before

    client.post(
        "/applications/bulk/",
        {"action": "not_recommend", "ids": [reviewing.pk], "step": "confirm", "reason": "得分偏低"},
    )
    assert state_of(reviewing) == ["city_not_recommended"]
    [event] = [e for e in events(Action.APPLICATION_TRANSITION) if e not in before]
    assert event.reason == "得分偏低" and event.details["bulk_action"] == "not_recommend"


def test_bulk_leaves_another_units_applications_alone(personas, three):
    first, _, _ = three
    response = personas.client(personas.city_b).post(
        "/applications/bulk/", {"action": "accept", "ids": [first.pk], "step": "confirm"}, follow=True
    )
    assert "请至少勾选一项申报" in response.content.decode()  # not in its scope: nothing chosen
    assert state_of(first) == ["submitted"]


# --- engagements and the declaration -------------------------------------------------------------


@pytest.fixture
def requested(personas, batch):
    """X's supply-chain draft naming the persona evaluator through the applicant's form."""
    client = personas.client(personas.applicant_x)
    client.post("/applications/new/", {"category": "supply_chain"})
    with unscoped():
        app = Application.objects.get(organisation=personas.org_x, category="supply_chain")
    client.post(
        f"/applications/{app.pk}/edit/",
        {
            "method": "third_party",
            "evaluator": str(personas.evaluator_org.pk),
            "industry": "汽车",
            "score": "88",
            "green_factory_suppliers": "12",
            "version": str(app.version),
        },
    )
    with unscoped():
        return Engagement.objects.get(application=app)


def test_an_applicants_choice_is_a_request_that_does_not_count_until_accepted(personas, requested, batch):
    assert requested.status == "requested" and requested.requested_by == personas.applicant_x
    [event] = events(Action.ENGAGEMENT_REQUESTED, object_id=str(requested.pk))
    assert event.actor == personas.applicant_x
    with unscoped():
        Application.objects.filter(pk=requested.application_id).update(
            state="submitted", submitted_at=SUBMITTED
        )
        assert requested.application_id not in counted_projects(batch, personas.evaluator_org).values_list(
            "pk", flat=True
        )
    page = personas.client(personas.evaluator).get("/evaluator/").content.decode()
    assert "待确认的委托请求（1 项）" in page and "接受委托" in page

    personas.client(personas.evaluator).post(f"/evaluator/engagements/{requested.pk}/", {"action": "accept"})
    with unscoped():
        requested.refresh_from_db()
        assert requested.status == "accepted" and requested.decided_by == personas.evaluator
        assert requested.application_id in counted_projects(batch, personas.evaluator_org).values_list(
            "pk", flat=True
        )
    assert events(Action.ENGAGEMENT_ACCEPTED, object_id=str(requested.pk))[0].actor == personas.evaluator


def test_declining_needs_a_reason_and_the_applicant_reads_it(personas, requested):
    client = personas.client(personas.evaluator)
    url = f"/evaluator/engagements/{requested.pk}/"
    page = client.post(url, {"action": "decline", "reason": " "}, follow=True).content.decode()
    assert "拒绝委托须填写理由" in page
    with unscoped():
        requested.refresh_from_db()
    assert requested.status == "requested" and not events(Action.ENGAGEMENT_DECLINED)

    client.post(url, {"action": "decline", "reason": "本机构本批次项目已满"})
    with unscoped():
        requested.refresh_from_db()
    assert requested.status == "declined" and requested.reason == "本机构本批次项目已满"
    [event] = events(Action.ENGAGEMENT_DECLINED, object_id=str(requested.pk))
    assert event.reason == "本机构本批次项目已满"
    home = personas.client(personas.applicant_x).get("/").content.decode()
    assert "已拒绝委托（理由：本机构本批次项目已满）" in home


def test_only_the_engaged_evaluator_answers(personas, requested):
    from tests.conftest import make_evaluator, make_user

    with unscoped():
        other = make_user("other_eval", "evaluator", evaluator=make_evaluator("另一机构"))
    response = personas.client(other).post(f"/evaluator/engagements/{requested.pk}/", {"action": "accept"})
    assert response.status_code == 404  # not its request: not even visible
    with unscoped():
        requested.refresh_from_db()
    assert requested.status == "requested" and not events(Action.ENGAGEMENT_ACCEPTED)


def test_a_full_evaluator_cannot_accept_and_nothing_changes(personas, requested, batch, make_application):
    from tests.conftest import make_org

    cap = batch.parameters.evaluator_cap
    for index in range(cap):
        with unscoped():
            org = make_org("唐山市", f"满额企业{index}")
        make_application(
            org,
            method="third_party",
            evaluator=personas.evaluator_org,
            state="submitted",
            submitted_at=SUBMITTED,
        )
    page = (
        personas.client(personas.evaluator)
        .post(f"/evaluator/engagements/{requested.pk}/", {"action": "accept"}, follow=True)
        .content.decode()
    )
    assert "不能接受此委托" in page and "V3" in page
    with unscoped():
        requested.refresh_from_db()
    assert requested.status == "requested" and not events(Action.ENGAGEMENT_ACCEPTED)


def test_the_declaration_shows_its_text_and_needs_the_confirmation(personas, requested):
    client = personas.client(personas.evaluator)
    url = f"/evaluator/engagements/{requested.pk}/"
    client.post(url, {"action": "accept"})
    page = client.get("/evaluator/").content.decode()
    assert "待签署的无结果承诺声明（1 项）" in page
    assert "合同中未对评价结果作出任何承诺" in page and "石家庄甲公司" in page

    refused = client.post(url, {"action": "declare"}, follow=True).content.decode()
    assert "请阅读声明全文并勾选" in refused
    with unscoped():
        requested.refresh_from_db()
        assert requested.declaration_signed_at is None
        assert Application.objects.get(pk=requested.application_id).no_result_promise is False
    assert not events(Action.DECLARATION_SIGNED)

    client.post(url, {"action": "declare", "confirm": "yes"})
    with unscoped():
        requested.refresh_from_db()
        assert requested.declaration_signed_by == personas.evaluator
        assert "评价费用不与申报结果挂钩" in requested.declaration_text
        assert Application.objects.get(pk=requested.application_id).no_result_promise is True
    [event] = events(Action.DECLARATION_SIGNED, object_id=str(requested.pk))
    assert event.actor == personas.evaluator and len(event.details["text_sha256"]) == 64


def test_choosing_another_evaluator_drops_the_declaration(personas, requested):
    from tests.conftest import make_evaluator

    client = personas.client(personas.evaluator)
    client.post(f"/evaluator/engagements/{requested.pk}/", {"action": "accept"})
    client.post(f"/evaluator/engagements/{requested.pk}/", {"action": "declare", "confirm": "yes"})
    from greenlist.registry.models import Diagnosis
    from tests.conftest import new_uscc

    with unscoped():
        other = make_evaluator("第二评价机构")
        params = requested.application.batch.parameters
        Diagnosis.objects.create(
            evaluator=other,
            client_uscc=new_uscc(),
            day=params.reference_date - dt.timedelta(days=100),
            client_province=params.province_name,
        )
        app = Application.objects.get(pk=requested.application_id)
    personas.client(personas.applicant_x).post(
        f"/applications/{app.pk}/edit/",
        {
            "method": "third_party",
            "evaluator": str(other.pk),
            "industry": "汽车",
            "score": "88",
            "green_factory_suppliers": "12",
            "version": str(app.version),
        },
    )
    with unscoped():
        app.refresh_from_db()
        assert app.evaluator_id == other.pk and app.no_result_promise is False
        assert Engagement.objects.get(application=app, evaluator=other).status == "requested"


# --- department opinions per company --------------------------------------------------------------


@pytest.fixture
def drafted(personas):
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(
            state="city_recommended", submitted_at=SUBMITTED
        )
    return personas.app_x


def test_a_department_gives_its_opinion_per_company_with_its_letter(
    personas, drafted, batch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = personas.client(personas.dept_a)
    url = f"/unit/opinions/{drafted.pk}/"
    page = client.post(url, {"agrees": "no", "opinion": ""}, follow=True).content.decode()
    assert "不同意推荐须写明意见" in page and not events(Action.COMPANY_OPINION_RECORDED)

    client.post(
        url,
        {
            "agrees": "no",
            "opinion": "有未整改的环境违法行为",
            "document_number": "石市监函〔2024〕7号",
            "letter": SimpleUploadedFile("复函.pdf", PDF, content_type="application/pdf"),
        },
    )
    with unscoped():
        opinion = CompanyOpinion.objects.get(application=drafted)
    assert (opinion.department, opinion.agrees, opinion.document_number) == (
        "market_regulation",
        False,
        "石市监函〔2024〕7号",
    )
    assert opinion.letter_name == "复函.pdf" and len(opinion.letter_sha256) == 64
    [event] = events(Action.COMPANY_OPINION_RECORDED, object_id=str(opinion.pk))
    assert event.actor == personas.dept_a and event.details["document_number"] == "石市监函〔2024〕7号"
    letter = personas.client(personas.city_a).get(f"/unit/opinions/letter/{opinion.pk}/")
    assert b"".join(letter.streaming_content) == PDF

    with unscoped():
        blockers = submission_blockers(batch, drafted.unit)
    assert any(f.rule == "C1" and "市场监管" in f.message for f in blockers)
    city_home = personas.client(personas.city_a).get("/").content.decode()
    assert "处理部门的不同意意见" in city_home

    personas.client(personas.city_a).post(
        f"/unit/opinions/handling/{opinion.pk}/", {"handling": "已核实，整改已完成，附验收意见"}
    )
    with unscoped():
        opinion.refresh_from_db()
        blockers = submission_blockers(batch, drafted.unit)
    assert opinion.handling == "已核实，整改已完成，附验收意见" and opinion.handled_by == personas.city_a
    assert not any(f.rule == "C1" and "不同意" in f.message and "市场监管" in f.message for f in blockers)
    [handled] = events(Action.COMPANY_OPINION_HANDLED, object_id=str(opinion.pk))
    assert handled.details["handling"]["to"] == "已核实，整改已完成，附验收意见"


def test_a_department_opines_only_for_itself_and_its_unit(personas, drafted):
    client = personas.client(personas.dept_a)
    client.post(f"/unit/opinions/{drafted.pk}/", {"agrees": "yes", "department": "ecology_environment"})
    with unscoped():
        # The department is taken from the account, not the form: it speaks for itself only.
        assert set(CompanyOpinion.objects.values_list("department", flat=True)) == {"market_regulation"}
    assert (
        personas.client(personas.city_b).post(f"/unit/opinions/{drafted.pk}/", {"agrees": "yes"}).status_code
        == 404
    )
    assert (
        personas.client(personas.applicant_x)
        .post(f"/unit/opinions/{drafted.pk}/", {"agrees": "yes"})
        .status_code
        == 403
    )


def test_a_bad_letter_is_refused_and_nothing_is_saved(personas, drafted, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = (
        personas.client(personas.dept_a)
        .post(
            f"/unit/opinions/{drafted.pk}/",
            {"agrees": "yes", "letter": SimpleUploadedFile("复函.pdf", b"MZ\x90\x00not a pdf")},
            follow=True,
        )
        .content.decode()
    )
    assert "复函未保存" in page
    with unscoped():
        assert not CompanyOpinion.objects.exists()
    assert not events(Action.COMPANY_OPINION_RECORDED)


# --- homes -------------------------------------------------------------------------------------


def test_each_role_lands_on_its_own_todo(personas, drafted):
    department = personas.client(personas.dept_a).get("/")
    page = department.content.decode()
    assert "待办" in page and "逐项提出意见" in page
    assert "unit_status" not in department.context  # not the city's dashboard
    evaluator = personas.client(personas.evaluator).get("/").content.decode()
    assert "待办" in evaluator and "当前没有待办事项" in evaluator
    city = personas.client(personas.city_a).get("/")
    assert "报送省厅" in city.content.decode()
    province = personas.client(personas.province).get("/").content.decode()
    assert "已报送的推荐单位" in province


def test_the_deadline_reads_the_same_on_every_page(personas):
    client = personas.client(personas.city_a)
    home = client.get("/")
    summary = home.context["home"].deadline.summary
    assert summary in home.content.decode()
    assert summary in client.get("/screening/").content.decode()
    assert summary in client.get("/applications/bulk/").content.decode()


# --- forms ---------------------------------------------------------------------------------------


def test_the_evaluator_list_marks_and_refuses_one_that_cannot_take_the_project(personas, batch):
    from greenlist.registry.models import BlacklistEntry
    from tests.conftest import make_evaluator

    with unscoped():
        listed = make_evaluator("失信评价机构")
        BlacklistEntry.objects.create(
            evaluator_uscc=listed.uscc, listed_on=dt.date(2023, 3, 1), reason="弄虚作假"
        )
        app = Application.objects.create(
            batch=batch, organisation=personas.org_x, unit=personas.org_x.unit, category="supply_chain"
        )
    client = personas.client(personas.applicant_x)
    page = client.get(f"/applications/{app.pk}/edit/").content.decode()
    assert "失信评价机构（不可选：已列入黑名单，不予采信" in page
    assert "测试评价机构（不可选" not in page  # the persona evaluator may take it
    response = client.post(
        f"/applications/{app.pk}/edit/",
        {
            "method": "third_party",
            "evaluator": str(listed.pk),
            "industry": "汽车",
            "score": "88",
            "green_factory_suppliers": "12",
            "version": str(app.version),
        },
    )
    assert "该机构不能承担本项目：已列入黑名单" in response.content.decode()
    with unscoped():
        app.refresh_from_db()
        assert app.evaluator_id is None and not Engagement.objects.filter(application=app).exists()


def test_a_submitted_report_reads_only_and_says_how_to_revise(personas):
    from greenlist.campaign.models import ExperienceReport

    with unscoped():
        ExperienceReport.objects.create(
            application=personas.app_x, title="节能降碳典型做法", practices="余热回收"
        )
        Application.objects.filter(pk=personas.app_x.pk).update(state="submitted", submitted_at=SUBMITTED)
    client = personas.client(personas.applicant_x)
    page = client.get(f"/applications/{personas.app_x.pk}/report/").content.decode()
    assert "报告内容（只读）" in page and "节能降碳典型做法" in page and "余热回收" in page
    assert "请联系石家庄市退回申报" in page and 'name="practices"' not in page
    detail = client.get(f"/applications/{personas.app_x.pk}/").content.decode()
    assert "如需修改，请联系石家庄市退回申报" in detail
    with unscoped():
        Application.objects.filter(pk=personas.app_x.pk).update(state="returned")
    page = client.get(f"/applications/{personas.app_x.pk}/report/").content.decode()
    assert 'name="practices"' in page and "报告内容（只读）" not in page
    assert "修改后重新提交" in client.get(f"/applications/{personas.app_x.pk}/").content.decode()


def test_recommend_by_rank_is_always_shown_and_says_why_it_is_disabled(personas):
    page = personas.client(personas.city_a).get("/ranking/").content.decode()
    assert "按排名将名额内" in page and "暂不可用：名额内没有处于“推荐单位审核中”的可推荐申报" in page
    province = personas.client(personas.province).get("/ranking/").content.decode()
    assert "暂不可用：按排名设为拟推荐由推荐单位操作" in province


def test_the_applicant_sees_where_its_request_stands(personas, requested):
    client = personas.client(personas.applicant_x)
    page = client.get(f"/applications/{requested.application_id}/").content.decode()
    assert "测试评价机构" in page and "（待机构确认）" in page


def test_the_province_reads_engagements_and_opinions_in_the_admin(personas, requested):
    client = personas.client(personas.province)
    assert "石家庄甲公司" in client.get("/admin/campaign/engagement/").content.decode()
    assert client.get("/admin/campaign/companyopinion/").status_code == 200
    assert personas.client(personas.city_a).get("/admin/campaign/engagement/").status_code == 302


def test_the_province_sees_each_companys_dissent_and_its_handling(personas, drafted):
    personas.client(personas.dept_a).post(
        f"/unit/opinions/{drafted.pk}/",
        {"agrees": "no", "opinion": "有未整改的违法行为", "document_number": "石市监函〔2024〕9号"},
    )
    page = personas.client(personas.province).get("/units/").content.decode()
    assert "市场监管部门不同意推荐“石家庄甲公司”（石市监函〔2024〕9号）：有未整改的违法行为" in page
    assert "推荐单位尚未记录处理情况" in page


def test_opinions_freeze_with_the_submitted_list(personas, drafted, batch):
    from greenlist.campaign.models import UnitSubmission

    with unscoped():
        UnitSubmission.objects.create(batch=batch, unit=drafted.unit, submitted_at=SUBMITTED)
    page = (
        personas.client(personas.dept_a)
        .post(f"/unit/opinions/{drafted.pk}/", {"agrees": "yes"}, follow=True)
        .content.decode()
    )
    assert "已冻结" in page and "填写意见" not in page  # refused, and the page offers no form
    with unscoped():
        assert not CompanyOpinion.objects.exists()
    assert not events(Action.COMPANY_OPINION_RECORDED)


def test_late_units_are_named_for_the_province_and_a_reopening_lifts_it(personas, batch):
    from django.utils import timezone

    from greenlist.campaign.models import UnitSubmission
    from greenlist.registry.models import RecommendingUnit

    client = personas.client(personas.province)
    home = client.get("/").context["home"]
    with unscoped():
        units = RecommendingUnit.objects.count()
    [late] = [i for i in home.items if i.title == "逾期未报送的推荐单位"]  # the 2024 deadline has passed
    assert late.count == units and "石家庄市" in late.lines
    with unscoped():
        UnitSubmission.objects.create(
            batch=batch, unit=personas.app_x.unit, reopened_until=timezone.now() + dt.timedelta(days=3)
        )
    home = client.get("/").context["home"]
    [late] = [i for i in home.items if i.title == "逾期未报送的推荐单位"]
    assert late.count == units - 1 and "石家庄市" not in late.lines
    city = personas.client(personas.city_a).get("/").context["home"].deadline
    assert city.reopened and not city.passed and city.days_left == 2
