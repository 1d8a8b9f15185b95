"""How the certificate page cache knows a cached page is still right: the credential's own rows and every
input to its visible date, read in one query (spec/models.md §4.6)."""

from django.db import connection

from credentials.apps.credentials.issuing import AWARDED
from credentials.apps.credentials.models import UserCredential, UserCredentialDateOverride
from credentials.apps.credentials.visibility import course_content_type, program_content_type


def _freshness_sql():
    quote = connection.ops.quote_name
    credentials, overrides = quote(UserCredential._meta.db_table), quote(UserCredentialDateOverride._meta.db_table)
    username, content_type, modified = quote("username"), quote("credential_content_type_id"), quote("modified")
    # A program credential's visible date is the latest issue date of the learner's course credentials in
    # its runs: a new, removed or changed course credential of the learner changes the count or the latest
    # change. (Available dates and the program's runs are configuration and catalog: caching.py.)
    supporting = (
        f"FROM {credentials} s WHERE s.{username} = c.{username} AND s.{content_type} = %s AND c.{content_type} = %s"
    )
    return (
        f"SELECT c.{modified}, o.{quote('date')}, (SELECT COUNT(*) {supporting}), (SELECT MAX(s.{modified}) {supporting})"
        f" FROM {credentials} c LEFT JOIN {overrides} o ON o.{quote('user_credential_id')} = c.{quote('id')}"
        f" WHERE c.{quote('uuid')} = %s AND c.{quote('status')} = %s"
    )


def certificate_freshness(uuid):
    """A value that changes whenever an awarded credential's page may change through the learner's own rows
    (re-award, revocation, date override; for a program credential, the course credentials that date it),
    as the database returns it; None when no awarded credential has this uuid.

    The certificate page cache (certificate.py) asks this on every hit, so a revoked certificate is gone at
    once. It is the one query of a cached page view, hence plain SQL on the unique uuid index: building the
    same query with the ORM costs ten times more than running it.
    """
    uuid_value = UserCredential._meta.get_field("uuid").get_db_prep_value(uuid, connection)
    course, program = course_content_type().pk, program_content_type().pk
    with connection.cursor() as cursor:
        cursor.execute(_freshness_sql(), [course, program, course, program, uuid_value, AWARDED])
        row = cursor.fetchone()
    return tuple(row) if row else None
