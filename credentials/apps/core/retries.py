"""Writes that lose a race try again (DESIGN.md §5.8): the one way the service runs a write again.

Two requests that create the same row at once both see it missing; the database's unique constraint lets
one insert win and the other gets an IntegrityError. MySQL/MariaDB may also end one of two colliding
transactions with a deadlock or a lock wait timeout (SQLite: "database is locked"). In every case the
loser's transaction is rolled back, so running the whole write again sees the winner's row and updates it
instead of answering 5xx. After the last attempt the error goes up (a conflict becomes a 409).
"""

import logging
import time

from django.db import IntegrityError, OperationalError, transaction

from credentials.apps.core import db_errors

log = logging.getLogger(__name__)

ATTEMPTS = 5


def is_retryable(exc):
    """A lost race for a unique row, or a conflict that ended only a transaction of this write's own (inside a
    caller's transaction the database rolled the caller's work back too: that goes up)."""
    return isinstance(exc, IntegrityError) or db_errors.retryable_conflict(exc)


def run_with_retries(write, *, attempts=ATTEMPTS, atomic=True, what="a write"):
    """Run ``write()`` (in a transaction of its own unless ``atomic=False``, for a write that opens its own
    only when it has something to write); after a lost race run it again, up to ``attempts`` times.

    ``write`` must re-read what it depends on, since the next run is there to see the winner's row.
    """
    for attempt in range(1, attempts + 1):
        try:
            if not atomic:
                return write()
            with transaction.atomic():
                return write()
        except (IntegrityError, OperationalError) as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            log.info("Retrying %s that lost a race (attempt %s): %s", what, attempt, exc)
            time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")
