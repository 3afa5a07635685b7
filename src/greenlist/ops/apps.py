from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "greenlist.ops"
    label = "ops"
    verbose_name = "运维"
