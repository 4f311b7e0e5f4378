from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Cooperation records"

    def ready(self) -> None:
        from . import version_signals

        version_signals.connect(self)
