"""The demo's 2025 national round: listed factories pass L1, unlisted ones do not."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from greenlist.campaign.models import Application
from greenlist.demo.kinds import LISTED, UNLISTED, load_kinds_demo
from greenlist.scoping import unscoped


def test_the_demo_has_a_2025_round_screened_by_l1(demo: None) -> None:
    with unscoped():
        assert Application.objects.filter(batch__code="2025").count() == LISTED + UNLISTED
        assert load_kinds_demo() == 0  # idempotent
    out = io.StringIO()
    call_command("screen", "--batch", "2025", "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    excluded = [a for a in result["applications"] if not a["eligible"]]
    assert len(result["applications"]) == LISTED + UNLISTED
    assert [r["rule"] for a in excluded for r in a["reasons"] if r["rule"] == "L1"] == ["L1"] * UNLISTED
    assert (result["quotas"], result["evaluators"]) == ([], [])
