from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Cooperation records"

    def ready(self) -> None:
        from .cache import connect_signals

        connect_signals()
