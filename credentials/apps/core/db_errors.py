"""What a database error means for the request that met it (issue 14).

Only a lost or refused connection is an outage (503, "try again later"). A deadlock or a lock wait is a
conflict with another request: retried where the write is idempotent (core/retries.py), else a 409. An
invalid regular expression in a lookup (MySQL/MariaDB error 1139, or SQLite's REGEXP function raising) is
the caller's mistake: 400, or a message on the admin's change list.
"""

import re

from django.db import InterfaceError, OperationalError, transaction

OUTAGE, CONFLICT, BAD_PATTERN, OTHER = "outage", "conflict", "bad_pattern", "other"

# MySQL/MariaDB client and server codes of an unreachable, restarting, read-only (fail-over) or overloaded server.
_OUTAGE_CODES = {
    0, 1040, 1045, 1053, 1081, 1152, 1184, 1290, 1317, 1792, 1836, 1927, 1969, 3024, 4031,
    2000, 2001, 2002, 2003, 2005, 2006, 2013, 2026, 2047, 2055,
}  # fmt: skip
_CONFLICT_CODES = {1205, 1213}  # lock wait timeout, deadlock
_BAD_PATTERN_CODES = {1139}  # "Got error ... from regexp"
_LEADING_CODE = re.compile(r"^\(?(\d+),")


def _mysql_code(exc):
    if not exc.args:
        return None
    first = exc.args[0]
    if isinstance(first, int):
        return first
    match = _LEADING_CODE.match(str(first))  # some wrappers keep "(2003, '...')" as one string
    return int(match.group(1)) if match else None


def classify(exc):
    """OUTAGE, CONFLICT, BAD_PATTERN or OTHER (a bug: a 500, logged as one)."""
    if isinstance(exc, InterfaceError):
        return OUTAGE
    if not isinstance(exc, OperationalError):
        return OTHER
    code = _mysql_code(exc)
    if code is not None:
        if code in _CONFLICT_CODES:
            return CONFLICT
        if code in _BAD_PATTERN_CODES:
            return BAD_PATTERN
        return OUTAGE if code in _OUTAGE_CODES else OTHER
    message = str(exc).lower()  # SQLite names its errors only in words
    if "locked" in message:
        return CONFLICT
    if "user-defined function raised exception" in message:
        return BAD_PATTERN
    if "unable to open database" in message or "disk i/o error" in message:
        return OUTAGE
    return OTHER


def retryable_conflict(exc):
    """A deadlock or lock wait that ended only a transaction of this work's own, so running it again is safe
    (inside a caller's transaction the database has rolled the caller's work back too)."""
    return classify(exc) == CONFLICT and not transaction.get_connection().in_atomic_block
