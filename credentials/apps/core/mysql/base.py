"""Django's MySQL/MariaDB backend, opening a transaction with one statement instead of two.

Django opens a transaction by switching the session out of autocommit (``SET autocommit=0``) and ends it with
COMMIT and ``SET autocommit=1``: three round trips around every write request, the largest fixed cost of the
API's short transactions once the work inside is a few statements. This backend opens it with ``BEGIN``
instead, which leaves the session in autocommit mode: COMMIT or ROLLBACK ends the transaction, and switching
autocommit back on needs no statement. Savepoints, ``select_for_update()``, ``on_commit()`` and isolation
levels behave exactly as before, because Django's own bookkeeping (``connection.autocommit``, atomic blocks)
does not change.

The one difference is in manual transaction management (``transaction.set_autocommit(False)`` followed by
several ``commit()`` calls): after the first commit later statements would autocommit. Nothing in the service
does that; ``atomic()`` is how it opens every transaction (DESIGN.md §4).
"""

from django.db.backends.mysql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def _set_autocommit(self, autocommit):
        with self.wrap_database_errors:
            if not autocommit:
                with self.connection.cursor() as cursor:
                    cursor.execute("BEGIN")
            elif not self.connection.get_autocommit():
                # Only a session really out of autocommit (a new connection) needs the switch; after BEGIN,
                # COMMIT or ROLLBACK already ended the transaction. get_autocommit() reads the server's status
                # flags from the last reply: no round trip.
                self.connection.autocommit(True)
