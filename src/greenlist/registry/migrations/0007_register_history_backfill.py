"""Give every list entry recorded before the register its history: a listing event (dated
1 January of its year, as only the year is known) and, for a revoked entry with a date, its
removal. Entries that already have history are left alone; reversing removes nothing."""

import datetime as dt

from django.db import migrations

from greenlist.rules.vocabulary import Category, ListLevel

NOTE = "（启用名单库时据已有名单补记）"


def backfill(apps, schema_editor):
    entries = apps.get_model("registry", "ProvincialListEntry")
    events = apps.get_model("registry", "RegisterEvent")
    with_history = set(events.objects.values_list("entry_id", flat=True))
    fresh = []
    for entry in (
        entries.objects.exclude(pk__in=with_history).select_related("unit").iterator(chunk_size=2000)
    ):
        label = f"{ListLevel(entry.level).label}{Category(entry.category).label}"
        fresh.append(
            events(
                entry_id=entry.pk,
                on=dt.date(entry.year, 1, 1),
                kind="listed",
                detail=f"{entry.year}年列入{label}名单（{entry.unit.name}推荐）{NOTE}",
            )
        )
        if entry.status == "revoked" and entry.revoked_on:
            fresh.append(events(entry_id=entry.pk, on=entry.revoked_on, kind="revoked", detail=f"撤销{NOTE}"))
        if len(fresh) >= 2000:
            events.objects.bulk_create(fresh)
            fresh = []
    events.objects.bulk_create(fresh)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_register_history_proposals"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
