"""Stored verdicts: equal to a fresh screening, kept current by partial runs, stale until run."""

from __future__ import annotations

import datetime as dt

import pytest

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import NegativeRecord
from greenlist.scoping import unscoped
from greenlist.screening import verdicts
from greenlist.screening.models import ScreeningRun, Verdict
from greenlist.screening.service import screen_batch
from greenlist.screening.versions import state


@pytest.fixture
def demo_batch(demo) -> Batch:
    return Batch.current()


def test_stored_verdicts_equal_a_fresh_screening(demo_batch):
    stored = verdicts.stored(demo_batch)
    assert stored.run is not None and stored.run.kind == ScreeningRun.Kind.FULL
    assert not stored.stale
    assert stored.result.to_contract() == screen_batch(demo_batch).to_contract()
    one_unit = verdicts.stored(demo_batch, unit_names=["唐山市"]).result.to_contract()
    assert one_unit == screen_batch(demo_batch, unit_names=["唐山市"]).to_contract()


def test_a_new_record_re_screens_only_the_firm_it_names(demo_batch, settings):
    verdicts.stored(demo_batch)  # first full run
    settings.GREENLIST_SCREENING_ON_READ = False
    with unscoped():
        clean = next(
            a
            for a in Application.objects.filter(batch=demo_batch, evaluator__isnull=True).select_related(
                "organisation", "verdict"
            )
            if a.verdict.eligible
        )
        NegativeRecord.objects.create(
            uscc=clean.organisation.uscc,
            name=clean.organisation.name,
            name_normalised=clean.organisation.name_normalised,
            type="dishonest_debtor",
            start=dt.date(2023, 3, 1),
            key=NegativeRecord.make_key(clean.organisation.uscc, "", "dishonest_debtor", dt.date(2023, 3, 1)),
        )
    before = verdicts.stored(demo_batch, ids=[clean.pk])
    assert before.stale
    assert before.result.applications[0].eligible  # the stored verdict, shown as being updated
    run = verdicts.run_pending(demo_batch)
    assert run is not None and run.kind == ScreeningRun.Kind.PARTIAL
    with unscoped():
        screened = set(Verdict.objects.filter(run=run).values_list("application_id", flat=True))
        same_firm = set(
            Application.objects.filter(organisation=clean.organisation).values_list("pk", flat=True)
        )
    assert screened == same_firm
    after = verdicts.stored(demo_batch, ids=[clean.pk])
    assert not after.stale
    assert [f.rule for f in after.result.applications[0].findings if f.excludes] == ["E6"]
    # And the stored verdicts still equal a fresh screening of the whole batch.
    assert verdicts.stored(demo_batch).result.to_contract() == screen_batch(demo_batch).to_contract()
    assert verdicts.run_pending(demo_batch) is None  # nothing pending any more


def test_a_failed_write_leaves_the_data_version_alone(demo_batch):
    verdicts.stored(demo_batch)
    before = state(demo_batch).data_version
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic(), unscoped():
        application = Application.objects.filter(batch=demo_batch).first()
        application.score = 1
        application.save()
        raise RuntimeError("refused")
    assert state(demo_batch).data_version == before
