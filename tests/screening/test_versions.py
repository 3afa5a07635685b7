"""Every write screening reads bumps the batch's data version in its own transaction, whichever
door it came through, and names what a partial run must re-screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from greenlist.campaign.models import Consultation
from greenlist.exchange.importer import import_workbook
from greenlist.registry.models import BlacklistEntry, Diagnosis, ProvincialListEntry
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from greenlist.screening.models import Demand, ScreeningRun
from greenlist.screening.versions import state
from tests.conftest import new_uscc
from tests.exchange.workbooks import application_row, write_xlsx
from tests.factories import dishonest


def listed(p):
    ProvincialListEntry.objects.create(
        uscc=new_uscc(),
        name="新列入公司",
        category="factory",
        level="provincial",
        unit=p.org_x.unit,
        year=2023,
        status="active",
    )


WRITES = {
    "application edited": lambda p: p.app_y.save(),
    "negative record": lambda p: dishonest(p.org_y),
    "list entry": listed,
    "diagnosis": lambda p: Diagnosis.objects.create(
        evaluator=p.evaluator_org, client_uscc=new_uscc(), day=dt.date(2024, 1, 5), client_province="河北省"
    ),
    "blacklist": lambda p: BlacklistEntry.objects.create(
        evaluator_uscc=p.evaluator_org.uscc, listed_on=dt.date(2024, 1, 10), reason="弄虚作假"
    ),
    "consultation": lambda p: Consultation.objects.create(
        batch=p.app_x.batch,
        unit=p.org_x.unit,
        department="market_regulation",
        opinion="同意",
        recorded_by=p.city_a,
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_write_bumps_the_version_and_a_rolled_back_one_does_not(personas, write):
    batch = personas.app_x.batch
    verdicts.run_pending(batch)
    before = state(batch).data_version
    with unscoped():
        WRITES[write](personas)
    assert state(batch).data_version == before + 1
    with pytest.raises(RuntimeError), transaction.atomic(), unscoped():
        personas.app_y.save()
        raise RuntimeError("rolled back")
    assert state(batch).data_version == before + 1
    assert verdicts.run_pending(batch) is not None  # the change is pending until a run


def test_an_import_asks_for_a_full_run(personas, tmp_path):
    batch = personas.app_x.batch
    verdicts.run_pending(batch)
    row = application_row(new_uscc(), "新导入公司")
    assert import_workbook(write_xlsx(tmp_path / "b.xlsx", {"申报": [row]}), batch=batch).ok
    assert Demand.objects.filter(batch=batch, full=True).exists()
    run = verdicts.run_pending(batch)
    assert run is not None and run.kind == ScreeningRun.Kind.FULL
