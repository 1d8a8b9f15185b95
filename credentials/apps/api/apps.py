from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "credentials.apps.api"
    label = "api"
