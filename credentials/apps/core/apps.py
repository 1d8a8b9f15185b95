from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "credentials.apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.conf import settings

        from credentials.apps.core import signals  # noqa: F401  (connects the receivers)

        if not getattr(settings, "CREDENTIALS_SERVICE_USER", None):
            raise ImproperlyConfigured("CREDENTIALS_SERVICE_USER must name the service user.")
