"""System checks of the badges configuration, registered only when BADGES_ENABLED (spec/badges.md §2.2)."""

from django.core.checks import Error, Tags

from credentials.apps.badges import conf


def badges_checks(app_configs=None, **kwargs):
    errors = []
    if not conf.event_types():
        errors.append(
            Error(
                "BADGES_CONFIG['events'] must include at least one event.",
                hint="Add at least one event to BADGES_CONFIG['events'] setting.",
                id="badges.E001",
            )
        )
    credly = conf.credly_settings()
    if not all(key in credly for key in conf.CREDLY_KEYS):
        errors.append(
            Error(
                "Credly settings are not properly configured.",
                hint="Make sure all required settings are present in BADGES_CONFIG['credly'].",
                id="badges.E002",
            )
        )
    return errors


TAGS = (Tags.compatibility,)
