from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "greenlist.screening"
    label = "screening"
    verbose_name = "筛查结论"

    def ready(self) -> None:
        from greenlist.screening import signals

        signals.connect()
