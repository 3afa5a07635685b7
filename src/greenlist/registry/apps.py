from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "greenlist.registry"
    label = "registry"
    verbose_name = "基础名录"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from greenlist.registry.sync import sync_reference_data

        post_migrate.connect(sync_reference_data, sender=self)
