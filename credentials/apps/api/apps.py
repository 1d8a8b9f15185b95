from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "credentials.apps.api"
    label = "api"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from waffle import get_waffle_switch_model

        from credentials.apps.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from credentials.apps.api.request_logging import forget_switch

        post_save.connect(forget_switch, sender=get_waffle_switch_model(), dispatch_uid="forget_switch.save")
        post_delete.connect(forget_switch, sender=get_waffle_switch_model(), dispatch_uid="forget_switch.delete")
