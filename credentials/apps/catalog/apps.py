from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "credentials.apps.catalog"
    label = "catalog"
