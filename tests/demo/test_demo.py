from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from greenlist.accounts.models import User
from greenlist.audit.log import verify
from greenlist.audit.models import AuditEvent
from greenlist.campaign.models import Application
from greenlist.demo.generate import generate
from greenlist.demo.load import PASSWORD, summary
from greenlist.registry.models import Evaluator, NegativeRecord, Organisation, RecommendingUnit
from greenlist.registry.sync import load_province
from greenlist.rules.uscc import is_valid_uscc
from greenlist.rules.vocabulary import Category, RecordType
from greenlist.scoping import unscoped


def test_the_demo_is_complete_valid_and_idempotent(db, capsys, settings):
    # As ./run.sh loads it: readers do not catch up (a worker does), so the demo's own decisions
    # (石家庄市's recommendations and submission) must bring the verdicts they rest on up to date.
    settings.GREENLIST_SCREENING_ON_READ = False
    call_command("demo")
    first = summary()
    with unscoped():
        events = AuditEvent.objects.count()
    call_command("demo")
    assert summary() == first
    with unscoped():
        assert AuditEvent.objects.count() == events
        data = generate({u.name: u.region for u in RecommendingUnit.objects.all()})
        assert first["推荐单位"] == len(load_province()["units"])
        other_batches = Application.objects.exclude(batch__code="2024").count()  # demo/kinds.py
        assert (first["申报主体"], first["申报"]) == (len(data.orgs), len(data.applications) + other_batches)
        assert first["第三方评价机构"] == len(data.evaluators)
        assert {a.category for a in Application.objects.all()} == {c.value for c in Category}
        assert {r.type for r in NegativeRecord.objects.all()} == {t.value for t in RecordType}
        assert all(is_valid_uscc(code) for code in Organisation.objects.values_list("uscc", flat=True))
        assert all(is_valid_uscc(code) for code in Evaluator.objects.values_list("uscc", flat=True))
        assert NegativeRecord.objects.filter(uscc="").exists()  # some records match only by name
        assert Application.objects.filter(unit__name="石家庄市", state="city_recommended").exists()
    assert list(verify()) == []
    out = capsys.readouterr().out
    assert "city_shijiazhuang" in out and PASSWORD in out


def test_every_demo_role_can_log_in(demo):
    for username in [
        "province",
        "city_shijiazhuang",
        "city_tangshan",
        "applicant",
        "evaluator",
        "dept_shijiazhuang_ecology_environment",
        "admin",
    ]:
        client = Client()
        assert client.login(username=username, password=PASSWORD), username
        page = client.get("/")
        assert page.status_code == 200, username
        role = User.objects.get(username=username).get_role_display()
        assert f'<span class="role">{role}</span>' in page.content.decode(), username
