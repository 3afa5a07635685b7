from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "greenlist.selection"
    label = "selection"
    verbose_name = "省级遴选"
    default_auto_field = "django.db.models.BigAutoField"
