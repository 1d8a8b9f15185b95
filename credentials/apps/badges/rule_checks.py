"""What a data rule may say, checked before it is saved (spec/badges.md §9, §12.3): the key paths of the
event's data class, and a value that can work with the operator on that path.

Upstream lets any path be saved, and a path the event does not have silently never matches; here it is a form
error. Key paths come from the openedx-events data class of each subscribed event type (nested attrs classes
flattened with "."); the admin offers them minus ``BADGES_CONFIG["rules"]["ignored_keypaths"]``.
"""

from datetime import datetime
from functools import lru_cache

import attrs
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

from credentials.apps.badges import conf, rules
from credentials.apps.badges.models import Operator

BOOLEAN_SPELLINGS = rules.TRUE_SPELLINGS + rules.FALSE_SPELLINGS
ORDERED_TYPES = (int, float, datetime, str)  # what <, <=, >, >= can compare (str: ISO dates of CCX events)


@lru_cache(maxsize=32)
def payload_class(event_type):
    """The data class an event type carries (e.g. CoursePassingStatusData), or None for an unknown type."""
    load_all_signals()
    try:
        signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
    except KeyError:
        return None
    classes = [value for value in signal.init_data.values() if attrs.has(value)]
    return classes[0] if classes else None


def _flatten(cls, prefix=""):
    paths = {}
    for field in attrs.fields(cls):
        path = prefix + field.name
        if isinstance(field.type, type) and attrs.has(field.type):
            paths.update(_flatten(field.type, path + "."))
        else:
            paths[path] = field.type
    return paths


def key_path_types(event_type):
    """{key path: its Python type} of every leaf of the event's data class ({} for an unknown event type)."""
    cls = payload_class(event_type)
    return _flatten(cls) if cls is not None else {}


def key_path_choices(event_type):
    """The key paths the admin offers for rules on ``event_type``: all but the ignored ones, in class order."""
    ignored = set(conf.ignored_keypaths())
    return [path for path in key_path_types(event_type) if path not in ignored]


def rule_error(event_type, data_path, operator, value):
    """Why a rule cannot work (a message for the admin), or None when it can."""
    types = key_path_types(event_type)
    if data_path not in types:
        known = ", ".join(key_path_choices(event_type)) or "none"
        return f"The event {event_type} has no key path {data_path!r}; its key paths are: {known}."
    if operator not in Operator.SYMBOLS:
        return f"Unknown operator {operator!r}."
    if operator in Operator.VALUELESS:
        return None
    kind = types[data_path]
    if kind is bool:
        if operator in Operator.ORDERED:
            return "A true/false key path cannot be compared with <, <=, > or >=; use = or !=."
        values = rules.parse_list(value) if operator in (Operator.IN, Operator.NOT_IN) else [value]
        if not values or any(item not in BOOLEAN_SPELLINGS for item in values):
            return "Value must be a boolean."
    if operator in Operator.ORDERED and kind not in ORDERED_TYPES:
        return f"{data_path} is not a number or a date-time; compare it with =, !=, in or not in."
    return rules.validate_value(operator, value)
