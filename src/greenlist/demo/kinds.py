"""Demo of the campaign kinds: a few applications in the 2025 national round (self-evaluation,
factories and parks), so its pages show L1 at work next to the 2024 campaign. Deterministic and
idempotent: the same firms every time, nothing created twice."""

from __future__ import annotations

from decimal import Decimal

from greenlist.campaign.models import Application, Batch
from greenlist.registry.models import Organisation, ProvincialListEntry
from greenlist.rules.vocabulary import Category, ListLevel, ListStatus, Method

NATIONAL_2025 = "2025"
LISTED, UNLISTED = 5, 2  # provincial green factories applying, and firms not on any list


def load_kinds_demo() -> int:
    """Create the 2025 demo applications that do not exist yet; return how many were created."""
    batch = Batch.objects.filter(code=NATIONAL_2025).first()
    if batch is None:  # the batch file is not shipped in this installation
        return 0
    listed = list(
        ProvincialListEntry.objects.filter(
            category=Category.FACTORY, level=ListLevel.PROVINCIAL, status=ListStatus.ACTIVE
        )
        .order_by("uscc")
        .values_list("uscc", flat=True)[: LISTED * 4]
    )
    organisations = list(Organisation.objects.filter(uscc__in=listed).order_by("uscc")[:LISTED])
    on_lists = ProvincialListEntry.objects.values("uscc")
    organisations += list(Organisation.objects.exclude(uscc__in=on_lists).order_by("uscc")[:UNLISTED])
    created = 0
    for index, organisation in enumerate(organisations):
        _, new = Application.objects.get_or_create(
            batch=batch,
            organisation=organisation,
            category=Category.FACTORY,
            defaults={
                "unit": organisation.unit,
                "method": Method.SELF,
                "industry": organisation.industry,
                "score": Decimal(78 + 3 * index),
                "state": "submitted",
            },
        )
        created += new
    return created
