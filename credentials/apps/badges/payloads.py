"""Reading what a subscribed event is about: its data object, its learner, its course (spec/badges.md §4.1-4.2,
§12.2 #9, spec/events.md §11.4)."""

import hashlib
import inspect

import attrs
from openedx_events.learning.data import UserData

ENTITY_KEY_MAX = 255  # core.ConsumedEvent.entity_key


class BadgesProcessingError(Exception):
    """The event cannot be processed for badges (it names no learner)."""


def extract_payload(data):
    """The event's data object: the first attrs instance among the signal's data values (upstream's rule)."""
    for value in data.values():
        if attrs.has(type(value)):
            return value
    return None


def find_user_data(payload):
    """The learner of an event: the payload itself if it is a UserData, else its attribute named ``user``, else
    the first UserData found depth-first over its attributes in alphabetical order (upstream's search)."""
    if isinstance(payload, UserData):
        return payload
    user = getattr(payload, "user", None)
    if isinstance(user, UserData):
        return user
    return _search(payload, depth=0)


def _search(value, depth):
    if depth > 8 or not attrs.has(type(value)):
        return None
    for _name, member in inspect.getmembers(value):
        if isinstance(member, UserData):
            return member
        found = _search(member, depth + 1)
        if found is not None:
            return found
    return None


def course_key_of(payload):
    """The course an event is about (a CCX key for CCX events), as a string, or None."""
    course = getattr(payload, "course", None)
    key = getattr(course, "ccx_course_key", None) or getattr(course, "course_key", None)
    return str(key) if key is not None else None


def trigger_entity_key(event_type):
    """The ``entity_key(data)`` of a badge event type: ``badge-trigger:<username>:<event type>:<course key>``.

    The consumer skips an event older than one already applied with the same key (spec/events.md §11.4), so
    for one learner and course the newest passing status wins whatever order the events arrive in: a "failing"
    event (a penalty) processed before an older "passing" event (its requirement) makes that older event stale,
    and it is skipped instead of fulfilling the requirement again.
    """

    def entity_key(data):
        payload = extract_payload(data)
        user = find_user_data(payload) if payload is not None else None
        course_key = course_key_of(payload)
        if user is None or course_key is None:
            return None
        key = f"badge-trigger:{user.pii.username}:{event_type}:{course_key}"
        if len(key) > ENTITY_KEY_MAX:  # the column holds 255 characters: a long one is named by its digest
            key = f"badge-trigger:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
        return key

    return entity_key
