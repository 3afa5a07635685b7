"""Keep the database's reference rows (recommending units, batches) in step with the data files.

Runs after every ``migrate`` so a fresh database, a test database and an upgraded one all
carry the configured province's units and batches. Idempotent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from greenlist.rules.datafiles import read_yaml


def province_file(data_dir: Path | None = None, province: str | None = None) -> Path:
    data_dir = data_dir or settings.GREENLIST_DATA_DIR
    return data_dir / "provinces" / f"{province or settings.GREENLIST_PROVINCE}.yaml"


def load_province(data_dir: Path | None = None, province: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(province_file(data_dir, province))
    return data


def sync_reference_data(**_: Any) -> None:
    """The province's recommending units from its data file (batches are the campaign's own:
    ``greenlist.campaign.apps``)."""
    from greenlist.registry.models import RecommendingUnit

    province = load_province()
    for order, unit in enumerate(province["units"], start=1):
        RecommendingUnit.objects.update_or_create(
            code=unit["code"],
            defaults={
                "name": unit["name"],
                "kind": unit["kind"],
                "region": unit["region"],
                "bureau": unit["bureau"],
                "order": order,
            },
        )
