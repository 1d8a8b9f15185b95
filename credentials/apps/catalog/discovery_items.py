"""Reading discovery's JSON items into the values of local rows; malformed items raise CatalogDataError."""

import uuid as uuid_module
from datetime import UTC

from django.utils import timezone
from django.utils.dateparse import parse_datetime


class CatalogDataError(Exception):
    """Discovery's data cannot be stored as it is (a missing reference, a malformed item)."""


def item_uuid(item, what):
    if not isinstance(item, dict):
        raise CatalogDataError(f"a {what} is not an object: {item!r:.80}")
    raw = item.get("uuid")
    try:
        return uuid_module.UUID(str(raw))
    except ValueError:
        raise CatalogDataError(f"a {what} has an invalid uuid: {raw!r:.80}") from None


def item_text(value):
    """Discovery sends null for some text the local schema requires; store it as empty."""
    return "" if value is None else str(value)


def run_datetime(run, *names):
    for name in names:
        raw = run.get(name)
        if raw:
            value = parse_datetime(str(raw))
            if value is None:
                raise CatalogDataError(f'course run "{run.get("uuid")}" has an invalid {name}: {raw!r:.40}')
            return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    return None


def course_run_values(run, course_title):
    title = run.get("title") if isinstance(run, dict) else None
    return {
        "uuid": item_uuid(run, "course run"),
        "key": item_text(run.get("key")),
        # Stored only when it differs from the course's title (spec/integration.md §3.1).
        "title_override": None if title == course_title else title,
        "start_date": run_datetime(run, "start_date", "start"),
        "end_date": run_datetime(run, "end_date", "end"),
    }
