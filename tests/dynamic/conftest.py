from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from greenlist.dynamic import service
from greenlist.dynamic.models import Filing
from greenlist.registry.models import ProvincialListEntry
from greenlist.rules import filing as rules
from greenlist.scoping import unscoped
from tests.dynamic.test_filing_rules import good_values


@pytest.fixture
def cycle() -> rules.Cycle:
    return service.cycle(2025)


def entry_of(org: Any) -> ProvincialListEntry:
    with unscoped():
        return ProvincialListEntry.objects.get(uscc=org.uscc, category="factory", level="provincial")


@pytest.fixture
def filed(personas: Any, cycle: rules.Cycle) -> Any:
    """X and Y have each handed in their table (on time)."""
    on_time = cycle.filing_deadline - dt.timedelta(days=3)
    for org, user in ((personas.org_x, personas.applicant_x), (personas.org_y, personas.applicant_y)):
        result = service.save_filing(
            entry_of(org), cycle, good_values(), actor=user, submit=True, now=on_time
        )
        assert result.errors == {}
    with unscoped():
        personas.filing_x = Filing.objects.get(entry=entry_of(personas.org_x))
        personas.filing_y = Filing.objects.get(entry=entry_of(personas.org_y))
    return personas
