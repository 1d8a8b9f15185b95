from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "credentials.apps.records"
    label = "records"
