"""The badges settings, read at call time (spec/badges.md §1-2).

``BADGES_ENABLED`` switches the whole feature (event receivers, admin, URLs, system checks). ``BADGES_CONFIG``
is upstream's dict; a YAML file replaces it whole, so every reader here falls back to the defaults for a key
the operator left out. Upstream reads ``BADGES_CONFIG["events"]`` at model import and fails to start without
it; here a missing ``events`` means the default event list.
"""

from django.conf import settings

PASSING_STATUS_UPDATED = "org.openedx.learning.course.passing.status.updated.v1"
CCX_PASSING_STATUS_UPDATED = "org.openedx.learning.ccx.course.passing.status.updated.v1"
DEFAULT_EVENTS = [PASSING_STATUS_UPDATED, CCX_PASSING_STATUS_UPDATED]

# The stream the LMS writes these events to (FEATURES["BADGES_ENABLED"] on its side) and ours go to.
BADGES_TOPIC = "learning-badges-lifecycle"

CREDLY_KEYS = (
    "CREDLY_BASE_URL",
    "CREDLY_API_BASE_URL",
    "CREDLY_SANDBOX_BASE_URL",
    "CREDLY_SANDBOX_API_BASE_URL",
    "USE_SANDBOX",
)

DEFAULT_IGNORED_KEYPATHS = [
    "user.id",
    "user.is_active",
    "user.pii.username",
    "user.pii.email",
    "user.pii.name",
    "course.display_name",
    "course.start",
    "course.end",
]


def default_badges_config():
    """A fresh copy of the base-settings default of BADGES_CONFIG (spec/badges.md §2.1)."""
    return {
        "events": list(DEFAULT_EVENTS),
        "credly": {
            "CREDLY_BASE_URL": "https://credly.com/",
            "CREDLY_API_BASE_URL": "https://api.credly.com/v1/",
            "CREDLY_SANDBOX_BASE_URL": "https://sandbox.credly.com/",
            "CREDLY_SANDBOX_API_BASE_URL": "https://sandbox-api.credly.com/v1/",
            "USE_SANDBOX": False,
        },
        "accredible": {
            "ACCREDIBLE_BASE_URL": "https://dashboard.accredible.com/",
            "ACCREDIBLE_API_BASE_URL": "https://api.accredible.com/v1/",
            "ACCREDIBLE_SANDBOX_BASE_URL": "https://sandbox.dashboard.accredible.com/",
            "ACCREDIBLE_SANDBOX_API_BASE_URL": "https://sandbox.api.accredible.com/v1/",
            "USE_SANDBOX": False,
        },
        "rules": {"ignored_keypaths": list(DEFAULT_IGNORED_KEYPATHS)},
    }


def is_enabled():
    return bool(getattr(settings, "BADGES_ENABLED", False))


def badges_config():
    config = getattr(settings, "BADGES_CONFIG", None)
    return config if isinstance(config, dict) else {}


def event_types():
    """The subscribed event types; the default list when ``events`` is absent (an empty list stays empty and
    fails check badges.E001)."""
    events = badges_config().get("events")
    return list(DEFAULT_EVENTS) if events is None else list(events)


def event_type_choices():
    """Choices of ``event_type`` on requirements and penalties (a callable, so migrations do not follow the
    setting)."""
    return [(event_type, event_type) for event_type in event_types()]


def credly_settings():
    return badges_config().get("credly") or {}


def accredible_settings():
    return badges_config().get("accredible") or {}


def ignored_keypaths():
    rules = badges_config().get("rules") or {}
    paths = rules.get("ignored_keypaths")
    return list(DEFAULT_IGNORED_KEYPATHS) if paths is None else list(paths)
