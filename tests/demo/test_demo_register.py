"""The register's demo: several hundred units across levels and years with history, renames
that keep their former names, and two removal proposals — the approved one feeds E3 in the 2024
screening, with nothing else done."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.db.models import F

from greenlist.campaign.models import Application
from greenlist.registry.models import (
    CultivationTarget,
    FormerName,
    ProvincialListEntry,
    RegisterEvent,
    RegisterProposal,
)
from greenlist.scoping import unscoped


def test_the_demo_register_feeds_the_2024_screening(demo):
    with unscoped():
        entries = ProvincialListEntry.objects.all()
        assert entries.count() >= 300
        assert set(entries.values_list("level", flat=True)) == {"provincial", "national", "municipal"}
        assert len(set(entries.values_list("year", flat=True))) >= 5
        # Every unit has a history that starts with its listing.
        assert not entries.exclude(
            pk__in=RegisterEvent.objects.filter(kind="listed").values("entry_id")
        ).exists()
        renamed = RegisterEvent.objects.filter(kind="renamed")
        assert renamed.exists()
        for event in renamed:
            assert event.entry.name == event.new_name
            assert FormerName.objects.filter(entry=event.entry, name=event.old_name).exists()
        assert CultivationTarget.objects.filter(valid_until__gt=F("named_on")).count() == (
            CultivationTarget.objects.count()
        )

        statuses = sorted(RegisterProposal.objects.values_list("status", flat=True))
        assert statuses == ["approved", "pending"]
        approved = RegisterProposal.objects.get(status="approved")
        entry = approved.entry
        assert (entry.status, entry.revoked_on) == ("revoked", approved.effective_on)
        assert Application.objects.filter(batch__code="2024", organisation__uscc=entry.uscc).exists()
        pending = RegisterProposal.objects.get(status="pending")
        assert pending.entry.status == "active"

    out = io.StringIO()
    call_command("screen", "--batch", "2024", "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    (firm,) = [a for a in result["applications"] if a["uscc"] == entry.uscc and a["category"] == "factory"]
    e3 = [f for f in firm["reasons"] if f["rule"] == "E3"]
    assert e3 and approved.effective_on.isoformat() in e3[0]["message"]
    (other,) = [
        a for a in result["applications"] if a["uscc"] == pending.entry.uscc and a["category"] == "factory"
    ]
    assert "E3" not in {f["rule"] for f in other["reasons"]}  # a pending proposal changes nothing yet
