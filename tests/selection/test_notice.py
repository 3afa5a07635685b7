"""公示 and objections: the public page (no login, one batch, no personal data, cacheable), the
real-name objections with checked evidence, and the gate on the final list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from greenlist.audit.models import Action, AuditEvent
from greenlist.campaign.models import Application, Batch
from greenlist.scoping import unscoped
from greenlist.selection import services
from greenlist.selection.models import Objection, PublicNotice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def recommend(*apps):
    with unscoped():
        Application.objects.filter(pk__in=[a.pk for a in apps]).update(state="province_recommended")


def publish(world, starts_on, days=5, batch=None):
    with unscoped():
        return services.publish_notice(
            batch or world.batch,
            actor=world.province,
            title="关于2024年度绿色制造名单拟推荐名单的公示",
            starts_on=starts_on,
            days=days,
            contact="节能与综合利用处 0311-87000000",
        )


def objection(world, notice, app, **fields):
    """A real-name objection entered by the province (defaults: received on the first day)."""
    values = {"name": "周某某", "contact": "139", "statement": "x", "received_on": notice.starts_on, **fields}
    with unscoped():
        return services.add_objection(notice, actor=world.province, application_id=app.pk, **values)


@pytest.fixture
def other_batch(world, clean_application):
    """Another batch with a recommended application of its own."""
    with unscoped():
        other = Batch.objects.create(
            code="2099",
            province=world.batch.province,
            title="2099年度测试批次",
            file_name=world.batch.file_name,
        )
        app = clean_application("唐山市", "别批次丁有限公司")
        Application.objects.filter(pk=app.pk).update(batch=other, state="province_recommended")
    return other


def test_publishing_lists_the_recommended_only_with_public_fields(world):
    recommend(world.app_a, world.app_c)
    notice = publish(world, timezone.localdate())
    assert [e["name"] for e in notice.entries] == ["石家庄甲钢铁有限公司", "唐山丙陶瓷有限公司"]
    for entry in notice.entries:
        assert set(entry) == {"id", "name", "category", "category_label", "city"}
    assert notice.ends_on == timezone.localdate() + dt.timedelta(days=4)
    with unscoped():
        assert AuditEvent.objects.filter(action=Action.NOTICE_PUBLISHED, object_id=str(notice.pk)).exists()


def test_a_period_outside_practice_or_an_empty_list_is_refused(world):
    with pytest.raises(services.RuleRefused, match="尚无"):
        publish(world, timezone.localdate())
    recommend(world.app_a)
    with pytest.raises(services.RuleRefused, match="4–15"):
        publish(world, timezone.localdate(), days=30)
    with unscoped():
        assert not PublicNotice.objects.exists()


def test_the_public_page_needs_no_login_and_shows_only_its_list(world, other_batch):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate())
    other = publish(world, timezone.localdate(), batch=other_batch)
    with unscoped():
        services.add_objection(
            notice,
            actor=world.province,
            application_id=world.app_a.pk,
            name="周某某",
            contact="13900000000",
            statement="该企业2023年曾发生环境事件。",
            received_on=timezone.localdate(),
        )
    response = Client().get(f"/gongshi/{notice.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "石家庄甲钢铁有限公司" in page
    assert "石家庄市" in page
    assert "节能与综合利用处 0311-87000000" in page
    # Nothing of the other batch, of the applications left out, or of any person.
    assert "别批次丁有限公司" not in page
    assert "2099年度测试批次" not in page
    assert world.app_b.organisation.name not in page
    assert world.app_a.organisation.uscc not in page
    assert "周某某" not in page
    assert "13900000000" not in page
    assert "s_province" not in page
    # Cacheable by any proxy for a few minutes.
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    # A browser revalidating its copy gets 304 without the body.
    again = Client().get(f"/gongshi/{notice.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    # The other batch's page shows its own list only.
    other_page = Client().get(f"/gongshi/{other.pk}/").content.decode()
    assert "别批次丁有限公司" in other_page
    assert "石家庄甲钢铁有限公司" not in other_page
    assert Client().get("/gongshi/999999/").status_code == 404
    assert Client().post(f"/gongshi/{notice.pk}/").status_code == 405


def test_the_public_page_reads_the_notice_without_joining_applications(world, django_assert_max_num_queries):
    recommend(world.app_a, world.app_b, world.app_c)
    notice = publish(world, timezone.localdate())
    client = Client()
    with django_assert_max_num_queries(2) as captured:
        client.get(f"/gongshi/{notice.pk}/")
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "campaign_application" not in sql


def test_objections_are_real_name_and_their_evidence_is_checked(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate())
    client = Client()
    client.force_login(world.province)
    url = f"/notices/{notice.pk}/"
    # Anonymous: refused, nothing stored.
    data = {
        "application": world.app_a.pk,
        "name": "",
        "contact": "139",
        "statement": "异议",
        "received_on": str(timezone.localdate()),
    }
    client.post(url, data)
    with unscoped():
        assert not Objection.objects.exists()
    # Evidence that is not what it claims to be: refused, nothing stored.
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = dict(data, name="周某某", evidence=SimpleUploadedFile("证明.pdf", b"MZ\x90\x00not a pdf"))
    page = client.post(url, bad, follow=True).content.decode()
    assert "证明材料未通过检查" in page
    with unscoped():
        assert not Objection.objects.exists()
    good = dict(data, name="周某某", evidence=SimpleUploadedFile("证明.pdf", PDF))
    client.post(url, good)
    with unscoped():
        objection = Objection.objects.get()
        assert objection.evidence_type == "pdf"
        assert objection.listed_name == "石家庄甲钢铁有限公司"
        assert AuditEvent.objects.filter(action=Action.OBJECTION_RECEIVED).count() == 1
    download = client.get(f"/notices/{notice.pk}/objections/{objection.pk}/evidence/")
    assert download.status_code == 200
    assert b"".join(download) == PDF
    # The objection must name an entry of this notice.
    with unscoped(), pytest.raises(services.RuleRefused, match="公示名单"):
        services.add_objection(
            notice,
            actor=world.province,
            application_id=world.app_b.pk,
            name="周某某",
            contact="139",
            statement="x",
            received_on=timezone.localdate(),
        )


def test_the_period_not_ended_blocks_the_final_list(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate())
    client = Client()
    client.force_login(world.province)
    response = client.post(f"/notices/{notice.pk}/finalise/", follow=True)
    assert "公示期满后" in response.content.decode()
    assert response.redirect_chain
    with unscoped():
        assert PublicNotice.objects.get(pk=notice.pk).finalised_at is None
        assert not AuditEvent.objects.filter(action=Action.FINAL_LIST_PRODUCED).exists()


def test_an_open_objection_blocks_the_final_list_until_it_is_closed(world):
    recommend(world.app_a, world.app_c)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    with unscoped():
        objection = services.add_objection(
            notice,
            actor=world.province,
            application_id=world.app_a.pk,
            name="周某某",
            contact="13900000000",
            statement="该企业近三年发生过较大环境事件。",
            received_on=notice.starts_on,
        )
    client = Client()
    client.force_login(world.province)
    blocked = client.post(f"/notices/{notice.pk}/finalise/", follow=True).content.decode()
    assert "1 件异议未办结" in blocked
    # Closing needs an outcome and its reasoning.
    client.post(f"/notices/{notice.pk}/", {"action": "close", "objection": objection.pk, "outcome": "upheld"})
    with unscoped():
        assert Objection.objects.get(pk=objection.pk).is_open
    client.post(
        f"/notices/{notice.pk}/",
        {
            "action": "close",
            "objection": objection.pk,
            "outcome": "upheld",
            "outcome_text": "经核实，异议属实。",
        },
    )
    with unscoped():
        assert not Objection.objects.get(pk=objection.pk).is_open
    assert client.post(f"/notices/{notice.pk}/finalise/").status_code == 302
    xlsx = client.get(f"/notices/{notice.pk}/final.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [
        tuple(c for c in row) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] is not None
    ]
    assert rows[0] == ("序号", "名称", "类别", "所在地市")
    assert rows[1] == (1, "唐山丙陶瓷有限公司", "绿色工厂", "唐山市")
    assert not any("石家庄甲钢铁有限公司" in str(value) for row in rows for value in row)
    docx = client.get(f"/notices/{notice.pk}/final.docx")
    table = Document(io.BytesIO(docx.content)).tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["序号", "名称", "类别", "所在地市"],
        ["1", "唐山丙陶瓷有限公司", "绿色工厂", "唐山市"],
    ]
    with unscoped():
        assert PublicNotice.objects.get(pk=notice.pk).finalised_at is not None
        assert AuditEvent.objects.filter(action=Action.FINAL_LIST_PRODUCED).count() == 1
        # No objection can be entered once the list is final.
        with pytest.raises(services.RuleRefused, match="最终名单"):
            services.add_objection(
                notice,
                actor=world.province,
                application_id=world.app_c.pk,
                name="某",
                contact="1",
                statement="x",
                received_on=timezone.localdate(),
            )


def test_a_late_objection_is_refused(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    with unscoped(), pytest.raises(services.RuleRefused, match="逾期"):
        services.add_objection(
            notice,
            actor=world.province,
            application_id=world.app_a.pk,
            name="周某某",
            contact="139",
            statement="x",
            received_on=notice.ends_on + dt.timedelta(days=1),
        )


def test_a_dismissed_objection_keeps_the_entry(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    entered = objection(world, notice, world.app_a)
    with unscoped():
        services.close_objection(entered, actor=world.province, outcome="dismissed", text="经核查不属实。")
        entries = services.produce_final_list(notice, actor=world.province)
    assert [e["name"] for e in entries] == ["石家庄甲钢铁有限公司"]


def test_only_the_province_manages_notices(world):
    recommend(world.app_a)
    notice = publish(world, timezone.localdate() - dt.timedelta(days=10))
    for user in (world.city, world.user_1):
        client = Client()
        client.force_login(user)
        assert client.get("/notices/").status_code == 403
        assert client.get(f"/notices/{notice.pk}/final.xlsx").status_code == 403
        assert client.post(f"/notices/{notice.pk}/finalise/").status_code == 403
        assert client.post(f"/notices/{notice.pk}/", {"action": "close"}).status_code == 403
    with unscoped(), pytest.raises(services.NotPermitted):
        services.produce_final_list(notice, actor=world.city)
