"""The events app, which connects its signal receivers once the models are loaded."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Cooperation records"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import deletion, middleware, search_documents, version_signals
        from .models import countries, former_slugs

        version_signals.connect(self)
        deletion.connect_signals()
        former_slugs.connect()
        search_documents.connect()
        countries.connect()
        user_logged_in.connect(middleware.start_session_clocks, dispatch_uid="events-session-clocks")
