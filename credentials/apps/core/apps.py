from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "credentials.apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.conf import settings

        from credentials.apps.core import signals  # noqa: F401  (connects the receivers)
        from credentials.apps.core.event_bus import config as event_bus_config

        event_bus_config.validate_producer_config()
        if not getattr(settings, "CREDENTIALS_SERVICE_USER", None):
            raise ImproperlyConfigured("CREDENTIALS_SERVICE_USER must name the service user.")
