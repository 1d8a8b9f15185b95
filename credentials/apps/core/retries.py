"""Upserts that lose a race try again (DESIGN.md §5.8).

Two requests that create the same row at once both see it missing; the database's unique constraint lets
one insert win and the other gets an IntegrityError. MySQL/MariaDB may also end one of two colliding
transactions with a deadlock or a lock wait timeout. In every case the loser's whole transaction is
rolled back, so running it again sees the winner's row and updates it instead of answering 5xx.
"""

import logging
import time

from django.db import IntegrityError, OperationalError, transaction

log = logging.getLogger(__name__)

# MySQL error codes of a transaction the server rolled back and that may simply be run again.
RETRYABLE_MYSQL_ERRORS = frozenset({1213, 1205})  # deadlock, lock wait timeout
ATTEMPTS = 5


def is_retryable(exc):
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, OperationalError) and bool(exc.args) and exc.args[0] in RETRYABLE_MYSQL_ERRORS


def run_with_retries(write, *, attempts=ATTEMPTS):
    """Run ``write()`` in a transaction; after a lost race (see above) run it again, up to ``attempts`` times.

    ``write`` must re-read what it depends on, since the second run is there to see the winner's row. A
    deadlock inside a caller's own transaction is not retried: the server rolled back the caller's work too.
    """
    for attempt in range(1, attempts + 1):
        outer_transaction = transaction.get_connection().in_atomic_block
        try:
            with transaction.atomic():
                return write()
        except (IntegrityError, OperationalError) as exc:
            if (
                attempt == attempts
                or not is_retryable(exc)
                or (outer_transaction and not isinstance(exc, IntegrityError))
            ):
                raise
            log.info("Retrying a write that lost a race (attempt %s): %s", attempt, exc)
            time.sleep(0.005 * attempt)
    raise AssertionError("unreachable")
