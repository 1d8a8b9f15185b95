from django.apps import AppConfig


class BadgesConfig(AppConfig):
    """Badges (spec/badges.md). Models and migrations always exist; everything else (event handlers, system
    checks, admin, URLs) only when ``BADGES_ENABLED``."""

    name = "credentials.apps.badges"
    label = "badges"
    verbose_name = "Badges"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from credentials.apps.badges import conf

        if not conf.is_enabled():
            return
        from django.core.checks import register

        from credentials.apps.badges import checks, event_handlers, local_issuer, provider_issuers

        register(checks.badges_checks, *checks.TAGS)
        provider_issuers.register()
        local_issuer.register()  # the "openedx" issuer, and /verify/?url= for its badges
        event_handlers.register()  # the passing-status events, through the core event bus
