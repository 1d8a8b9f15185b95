"""The cache of built program records, and how a cached record is known to be still right."""

import hashlib
import math
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from credentials.apps.core import api as core_api
from credentials.apps.credentials.models import UserCredential, UserCredentialDateOverride
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway, UserGrade

# A record is read far more often than anything in it changes. Built records (without the learner block,
# which comes from the user row in hand) are kept in the default cache for RECORD_CACHE_TTL seconds, and
# one is served only while it is still right (the service's cache scheme, core/generations.py):
# * every read first fingerprints the learner's own rows (credentials, date overrides, grades, shared
#   records, sends: count and latest change of each, in one plain SQL statement), so any write to them,
#   bulk updates included, is seen at once;
# * a record is stored with the generations of the sites, the catalog and the certificate configurations,
#   read in the same cache round trip as the record: any save, delete or many-to-many change of those rows,
#   and copy_catalog's bulk writes, retire it (catalog/caching.py, credentials/caching.py, core/signals.py);
# * a record expires when one of its course credentials becomes visible (its available date passes).
# The fingerprint is read before building, so a write during a build is never hidden.

RECORD_SCOPES = (core_api.SITES, core_api.CATALOG, core_api.CONFIGURATIONS)


def program_record_key(site, user, program_uuid):
    """The cached record of ``user`` for the site's program; the username is in it, so that a learner who
    takes a renamed learner's old username never reads their record."""
    username = hashlib.md5(user.username.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"records:record:{site.pk}:{user.pk}:{username}:{program_uuid.hex}"


def program_catalog_key(site, program_uuid):
    """The catalog part of the site's program that every learner's record shows (record_builder.py)."""
    return f"records:program-catalog:{site.pk}:{program_uuid.hex}"


def _fingerprint_sql():
    credential, override = UserCredential._meta.db_table, UserCredentialDateOverride._meta.db_table
    parts = [
        f"SELECT COUNT(*), MAX(modified) FROM {credential} WHERE username = %s",
        f"SELECT COUNT(*), MAX(o.modified) FROM {override} o INNER JOIN {credential} c"
        " ON c.id = o.user_credential_id WHERE c.username = %s",
        f"SELECT COUNT(*), MAX(modified) FROM {UserGrade._meta.db_table} WHERE username = %s",
        f"SELECT COUNT(*), MAX(modified) FROM {ProgramCertRecord._meta.db_table} WHERE user_id = %s",
        f"SELECT COUNT(*), MAX(modified) FROM {UserCreditPathway._meta.db_table} WHERE user_id = %s",
    ]
    return " UNION ALL ".join(parts)


def _learner_fingerprint(user):
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), [user.username, user.username, user.username, user.pk, user.pk])
        return tuple((count, str(latest)) for count, latest in cursor.fetchall())


def cached_program_record(*, site, user, program_uuid, build):
    """The built record from the cache while it is still right; else ``build(site=, user=, program_uuid=)``,
    cached. None for an unknown program."""
    ttl = settings.RECORD_CACHE_TTL
    try:
        program_uuid = program_uuid if isinstance(program_uuid, uuid.UUID) else uuid.UUID(str(program_uuid))
    except ValueError:
        return None
    if not ttl or not user.pk:
        built = build(site=site, user=user, program_uuid=program_uuid)
        return built[0] if built else None
    key = program_record_key(site, user, program_uuid)
    fingerprint = _learner_fingerprint(user)
    generations, found = core_api.read_with_generations(RECORD_SCOPES, [key])
    entry = found.get(key)
    if entry is not None and (entry["fingerprint"], entry["generations"]) == (fingerprint, generations):
        return entry["record"]
    built = build(site=site, user=user, program_uuid=program_uuid)
    if built is None:
        return None
    record, next_change = built
    timeout = ttl
    if next_change is not None:
        timeout = max(1, min(ttl, math.ceil((next_change - timezone.now()).total_seconds())))
    cache.set(key, {"fingerprint": fingerprint, "generations": generations, "record": record}, timeout)
    return record
