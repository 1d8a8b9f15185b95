"""Data rules over an event's payload (spec/badges.md §4.4, §12.3).

A rule names a dotted ``data_path`` in the payload (``is_passing``, ``course.course_key``, ``user.pii.email``),
an ``operator`` and an expected ``value``. The payload is the event's data object turned into a dict with
``attrs.asdict`` (nested attrs objects become dicts; course keys, datetimes and numbers stay themselves).

* ``eq`` / ``ne`` keep upstream's semantics exactly: both sides compared as strings, case-sensitive, the
  actual value as ``str(value)`` (``"None"`` for a missing path) and the expected value with the boolean
  spellings normalised (``true, Yes, +, ...`` -> ``"True"``).
* ``lt le gt ge`` compare the raw value: as numbers when both sides parse as Decimal, else as ISO-8601
  date-times (naive means UTC), else the rule does not match (a bool is not a number here).
* ``in`` / ``not_in``: ``value`` is a JSON array of strings or a comma-separated list; the actual value is
  compared in its ``eq`` string form (booleans normalised on both sides).
* ``exists`` / ``not_exists``: the path resolves to a non-None value (or not); ``value`` is ignored.
* An operator this service does not know never matches.

``requirement_matches`` and ``penalty_applies`` differ only for rule-less rows (§12.2 #2): a requirement
without rules matches every event of its type, a penalty without rules never fires.
"""

import json
import operator as py_operator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import attrs

from credentials.apps.badges.models import Operator

TRUE_SPELLINGS = ("True", "true", "Yes", "yes", "+")
FALSE_SPELLINGS = ("False", "false", "No", "no", "-")
MISSING = object()


def payload_dict(payload):
    """The dict rules read: ``attrs.asdict`` of the event's data object (a dict is taken as is)."""
    return attrs.asdict(payload) if attrs.has(type(payload)) else dict(payload)


def keypath(data, path):
    """The value at ``path`` ("a.b.c") in nested dicts/attrs objects, or MISSING."""
    current = data
    for segment in path.split("."):
        if attrs.has(type(current)):
            current = attrs.asdict(current)
        if not isinstance(current, dict) or segment not in current:
            return MISSING
        current = current[segment]
    return current


def normalize(value):
    """Upstream's normalisation of a rule's expected value: the boolean spellings become "True"/"False"."""
    if value in TRUE_SPELLINGS:
        return "True"
    if value in FALSE_SPELLINGS:
        return "False"
    return value


def as_string(actual):
    """The string form upstream compares: ``str()`` of the raw value, "None" for a missing path."""
    return "None" if actual is MISSING or actual is None else str(actual)


def as_decimal(value):
    if isinstance(value, bool) or value is None or value is MISSING:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def as_datetime(value):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_list(value):
    """A rule's list value: a JSON array of strings, or comma-separated items (trimmed). None when neither."""
    text = (value or "").strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            return None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            return None
        return items
    items = [item.strip() for item in text.split(",")]
    return [item for item in items if item] or None


ORDERED_COMPARE = {
    Operator.LT: py_operator.lt,
    Operator.LE: py_operator.le,
    Operator.GT: py_operator.gt,
    Operator.GE: py_operator.ge,
}


def evaluate(operator, actual, value):
    """Whether a rule (``operator``, expected ``value``) holds for the raw ``actual`` value."""
    if operator == Operator.EQ:
        return as_string(actual) == normalize(value)
    if operator == Operator.NE:
        return as_string(actual) != normalize(value)
    if operator in ORDERED_COMPARE:
        compare = ORDERED_COMPARE[operator]
        left, right = as_decimal(actual), as_decimal(value)
        if left is not None and right is not None:
            return compare(left, right)
        left, right = as_datetime(actual), as_datetime(value)
        if left is not None and right is not None:
            return compare(left, right)
        return False
    if operator in (Operator.IN, Operator.NOT_IN):
        items = parse_list(value)
        if items is None:
            return False
        found = normalize(as_string(actual)) in {normalize(item) for item in items}
        return found if operator == Operator.IN else not found
    if operator == Operator.EXISTS:
        return actual is not MISSING and actual is not None
    if operator == Operator.NOT_EXISTS:
        return actual is MISSING or actual is None
    return False


def rule_holds(rule, data):
    return evaluate(rule.operator, keypath(data, rule.data_path), rule.value)


def requirement_matches(rules, data):
    """All rules hold; a requirement without rules matches every event of its type."""
    return all(rule_holds(rule, data) for rule in rules)


def penalty_applies(rules, data):
    """All rules hold; a penalty without rules never fires (it would reset every learner on every event)."""
    return bool(rules) and all(rule_holds(rule, data) for rule in rules)


def validate_value(operator, value):
    """An error message for a rule value that can never work with ``operator`` (for the admin), or None."""
    if operator in ORDERED_COMPARE and as_decimal(value) is None and as_datetime(value) is None:
        return "Value must be a number or an ISO-8601 date-time."
    if operator in (Operator.IN, Operator.NOT_IN) and parse_list(value) is None:
        return 'Value must be a JSON array of strings or a comma-separated list, e.g. ["a", "b"] or a, b.'
    if operator not in Operator.SYMBOLS:
        return f"Unknown operator {operator!r}."
    return None
