from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "credentials.apps.api"
    label = "api"

    def ready(self):
        from credentials.apps.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
