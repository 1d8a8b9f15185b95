from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "credentials.apps.catalog"
    label = "catalog"

    def ready(self):
        from credentials.apps.catalog import caching

        caching.connect()
