"""How the certificate page cache knows a cached page is still right."""

from django.db import connection

from credentials.apps.credentials.issuing import AWARDED
from credentials.apps.credentials.models import UserCredential, UserCredentialDateOverride


def _freshness_sql():
    quote = connection.ops.quote_name
    credentials, overrides = UserCredential._meta.db_table, UserCredentialDateOverride._meta.db_table
    return (
        f"SELECT c.{quote('modified')}, o.{quote('date')} FROM {quote(credentials)} c"
        f" LEFT JOIN {quote(overrides)} o ON o.{quote('user_credential_id')} = c.{quote('id')}"
        f" WHERE c.{quote('uuid')} = %s AND c.{quote('status')} = %s"
    )


def certificate_freshness(uuid):
    """A value that changes whenever an awarded credential's own page may change (re-award, revocation, date
    override), as the database returns it; None when no awarded credential has this uuid.

    The certificate page cache (certificate.py) asks this on every hit, so a revoked certificate is gone at
    once. It is the one query of a cached page view, hence plain SQL on the unique uuid index: building the
    same query with the ORM costs ten times more than running it.
    """
    uuid_value = UserCredential._meta.get_field("uuid").get_db_prep_value(uuid, connection)
    with connection.cursor() as cursor:
        cursor.execute(_freshness_sql(), [uuid_value, AWARDED])
        row = cursor.fetchone()
    return tuple(row) if row else None
