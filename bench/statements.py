"""Statements as the database counts them, for the benchmark and the tests that pin them."""


def questions(connection):
    """The session's `Questions` status on MariaDB/MySQL (every statement the client sent on this connection,
    including BEGIN, COMMIT, SET autocommit and savepoints; not pings), or None on other databases. Reading it
    is itself one statement, so a request's count is the difference of two readings minus one."""
    if connection.vendor != "mysql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS LIKE 'Questions'")
        return int(cursor.fetchone()[1])
