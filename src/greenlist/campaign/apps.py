from typing import Any

from django.apps import AppConfig


def sync_batches(**_: Any) -> None:
    """Every batch file of the province (``data/batches/<province>-*.yaml``) as a batch row."""
    from pathlib import Path

    from django.conf import settings

    from greenlist.campaign.models import Batch

    batches_dir = Path(settings.GREENLIST_DATA_DIR) / "batches"
    for path in sorted(batches_dir.glob(f"{settings.GREENLIST_PROVINCE}-*.yaml")):
        Batch.sync_from_file(path)


class CampaignConfig(AppConfig):
    name = "greenlist.campaign"
    label = "campaign"
    verbose_name = "推荐工作"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(sync_batches, sender=self)
