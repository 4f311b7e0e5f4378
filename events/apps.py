"""The events app, which connects its signal receivers once the models are loaded."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Cooperation records"

    def ready(self) -> None:
        from . import cache, deletion

        cache.connect_signals()
        deletion.connect_signals()
