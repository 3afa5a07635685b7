"""The decisions on the web: the verdict shown and enforced, stale verdicts said, rulings, 报送
with confirmation, the province's return and selection."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from greenlist.campaign.models import Application, UnitSubmission
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from tests.campaign.test_unit_actions import consult_all, recommend
from tests.factories import dishonest


def test_an_excluded_application_shows_why_and_the_post_is_refused(personas, clean_application):
    application = clean_application()
    dishonest(application.organisation)
    city = personas.client(personas.city_a)
    page = city.get(f"/applications/{application.pk}/").content.decode()
    assert "筛查结论为不得推荐，不能拟推荐" in page and "disabled" in page
    response = city.post(
        f"/applications/{application.pk}/transition/", {"target": "city_recommended"}, follow=True
    )
    assert "E6" in response.content.decode()
    with unscoped():
        assert Application.objects.get(pk=application.pk).state == "city_review"


def test_a_stale_verdict_is_shown_as_being_updated(personas, clean_application, settings):
    application = clean_application()
    city = personas.client(personas.city_a)
    assert "正在更新" not in city.get(f"/applications/{application.pk}/").content.decode()
    settings.GREENLIST_SCREENING_ON_READ = False  # as with a worker: readers do not screen
    dishonest(application.organisation)
    page = city.get(f"/applications/{application.pk}/").content.decode()
    assert "正在更新" in page and "可推荐" in page  # the stored verdict, until the worker runs
    verdicts.run_pending(application.batch)
    page = city.get(f"/applications/{application.pk}/").content.decode()
    assert "正在更新" not in page and "不得推荐" in page


def test_a_city_dismisses_a_name_match_and_the_province_reverses_it(personas, clean_application):
    application = clean_application()
    dishonest(application.organisation, by_name=True)
    finding = next(
        f
        for f in verdicts.stored(application.batch, ids=[application.pk]).result.applications[0].findings
        if f.rule == "E6"
    )
    city = personas.client(personas.city_a)
    assert finding.fingerprint in city.get(f"/applications/{application.pk}/").content.decode()
    city.post(
        f"/applications/{application.pk}/rulings/",
        {
            "fingerprint": finding.fingerprint,
            "decision": "dismissed",
            "reason": "同名不同企业",
            "evidence": SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        },
    )
    assert verdicts.stored(application.batch, ids=[application.pk]).result.applications[0].eligible
    province = personas.client(personas.province)
    listing = province.get("/rulings/").content.decode()
    assert application.organisation.name in listing and "同名不同企业" in listing
    from greenlist.screening.models import Ruling

    ruling = Ruling.objects.get(application=application)
    province.post(f"/rulings/{ruling.pk}/reverse/", {"reason": "证明不足"})
    assert not verdicts.stored(application.batch, ids=[application.pk]).result.applications[0].eligible


def test_submission_asks_for_confirmation_and_the_province_returns_it(personas, batch):
    recommend(personas, batch, 2)
    unit = personas.org_x.unit
    consult_all(personas, batch, unit)
    with unscoped():
        UnitSubmission.objects.filter(batch=batch, unit=unit).update(
            reopened_until=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        )
    city = personas.client(personas.city_a)
    assert "报送后名单冻结" in city.get("/unit/").content.decode()
    city.post("/unit/submit/", {})  # not confirmed
    with unscoped():
        assert UnitSubmission.objects.get(batch=batch, unit=unit).submitted_at is None
    city.post("/unit/submit/", {"confirm": "yes"})
    with unscoped():
        submission = UnitSubmission.objects.get(batch=batch, unit=unit)
    assert submission.submitted_at is not None
    assert "名单已冻结" in city.get("/unit/").content.decode()

    province = personas.client(personas.province)
    selection = province.get("/selection/").content.decode()
    assert all(entry["name"] in selection for entry in submission.snapshot["applications"])
    province.post(f"/units/{unit.code}/", {"action": "return", "reason": "请补充材料"})
    with unscoped():
        assert UnitSubmission.objects.get(batch=batch, unit=unit).submitted_at is None
    assert "省厅已于" in city.get("/unit/").content.decode()
