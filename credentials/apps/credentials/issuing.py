"""Issuing and revoking credentials (spec/models.md §4.1-4.2).

Program completion is the LMS's decision (§4.3): nothing here awards a program credential by itself."""

import contextlib
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, IntegerField
from django.utils import timezone

from credentials.apps.core import api as core_api
from credentials.apps.credentials import signals
from credentials.apps.credentials.configurations import ConfigurationError
from credentials.apps.credentials.constants import MAX_ATTRIBUTES_PER_CREDENTIAL, UserCredentialStatus
from credentials.apps.credentials.models import (
    CourseCertificate,
    ProgramCertificate,
    UserCredential,
    UserCredentialAttribute,
    UserCredentialDateOverride,
)
from credentials.apps.credentials.program_events import publish_program_certificate_event

log = logging.getLogger(__name__)

AWARDED = UserCredentialStatus.AWARDED
REVOKED = UserCredentialStatus.REVOKED

ISSUE_ATTEMPTS = 4


def _merge_attributes(credential, attributes, stored):
    """Upsert each (name, value) by name; attributes not mentioned are kept (spec/api.md §6.2)."""
    existing = {attribute.name: attribute for attribute in stored}
    if attributes:
        now = timezone.now()
        new, changed = [], []
        for name, value in attributes:
            attribute = existing.get(name)
            if attribute is None:
                attribute = UserCredentialAttribute(user_credential=credential, name=name, value=value)
                existing[name] = attribute
                new.append(attribute)
            elif attribute.value != value:
                attribute.value, attribute.modified = value, now
                changed.append(attribute)
        if len(existing) > MAX_ATTRIBUTES_PER_CREDENTIAL:
            # Attributes merge and are never pruned, so the bound is on the merged set, not on one request.
            raise ConfigurationError(
                "attributes",
                f"A credential has at most {MAX_ATTRIBUTES_PER_CREDENTIAL} attributes; this request would give it "
                f"{len(existing)}.",
            )
        UserCredentialAttribute.objects.bulk_create(new)
        UserCredentialAttribute.objects.bulk_update(changed, ["value", "modified"])
    credential.attribute_pairs = [
        (attribute.name, attribute.value) for attribute in sorted(existing.values(), key=lambda attribute: attribute.pk)
    ]


def _apply_date_override(credential, date, created):
    """A given date upserts the single override; no date deletes it (course-run credentials only)."""
    override = None if created else credential.get_date_override()
    if date:
        if override is None:
            credential.date_override = UserCredentialDateOverride.objects.create(user_credential=credential, date=date)
        elif override.date != date:
            override.date = date
            override.save(update_fields=["date", "modified"])
    elif override is not None:
        override.delete()
        credential.forget_date_override()


def _changes_anything(credential, stored_attributes, configuration, status, attributes, date_override):
    """Whether issuing to an existing credential writes any row (a re-issue usually changes nothing)."""
    if credential.status != status:
        return True
    stored = {attribute.name: attribute.value for attribute in stored_attributes}
    if any(stored.get(name) != value for name, value in attributes):
        return True
    if isinstance(configuration, CourseCertificate):
        override = credential.get_date_override()
        return override.date != date_override if (override and date_override) else bool(override or date_override)
    return False


# The learner's credential of a configuration (unique), its date override and its attributes, one row per
# attribute (one with NULL attribute fields when it has none): a single round trip, compiled once per process
# (building it cost more CPU than running it).
_EXISTING_CREDENTIAL = core_api.CompiledQuery(
    lambda: (
        UserCredential.objects.filter(
            username=core_api.Param("username", CharField()),
            credential_content_type=core_api.Param("content_type_id", IntegerField()),
            credential_id=core_api.Param("configuration_id", IntegerField()),
        )
        .values(
            *core_api.model_fields(UserCredential),
            *core_api.model_fields(UserCredentialDateOverride, "date_override__"),
            *core_api.model_fields(UserCredentialAttribute, "attributes__"),
        )
        .order_by("attributes__pk")
    )
)


def _existing_credential(username, content_type, configuration):
    """(the learner's credential of this configuration with its date override loaded, its attributes in id
    order), or (None, []) when there is none."""
    rows = _EXISTING_CREDENTIAL.rows(
        username=username, content_type_id=content_type.pk, configuration_id=configuration.pk
    )
    if not rows:
        return None, []
    credential = core_api.instance(UserCredential, rows[0])
    override = core_api.instance(UserCredentialDateOverride, rows[0], "date_override__")
    UserCredential.date_override.related.set_cached_value(credential, override)
    attributes = [core_api.instance(UserCredentialAttribute, row, "attributes__") for row in rows]
    return credential, [attribute for attribute in attributes if attribute is not None]


def _issue_once(*, site, username, configuration, status, attributes, date_override):
    content_type = ContentType.objects.get_for_model(configuration)
    # Read before any transaction: a re-issue that changes nothing then needs no BEGIN/COMMIT at all, and a
    # first issue opens one only for its inserts. A concurrent first issue of the same credential makes the
    # insert fail on the unique constraint, and the caller retries the whole call.
    credential, stored_attributes = _existing_credential(username, content_type, configuration)
    created = credential is None
    writes = created or _changes_anything(
        credential, stored_attributes, configuration, status, attributes, date_override
    )
    with transaction.atomic() if writes else contextlib.nullcontext():
        if created:
            credential = UserCredential.objects.create(
                username=username, credential_content_type=content_type, credential_id=configuration.pk, status=status
            )
            credential.forget_date_override()  # a new credential has none; saves a query when it is shown
        else:
            set_status(credential, status)
        _merge_attributes(credential, attributes, stored_attributes)
        if isinstance(configuration, CourseCertificate):
            _apply_date_override(credential, date_override, created)
        credential.credential = configuration
        if isinstance(configuration, ProgramCertificate):
            # The outbox row commits with the change; with nothing changed it is a single insert of its own.
            publish_program_certificate_event(credential, configuration, site)
    return credential, created


def issue_credential(
    *, site, username, configuration, status=AWARDED, attributes=(), date_override=None, lms_user_id=None, request=None
):
    """Award (or re-award, or revoke) one credential. Atomic and idempotent: one row per learner and
    configuration, attributes merged by name, the date override replaced (course runs only).

    Concurrent identical calls converge on one row: the unique constraints decide, and the loser of a
    race retries the whole call (DESIGN.md §5.8). Returns (credential, created).
    """
    attributes = list(attributes)
    credential, created = core_api.run_with_retries(
        lambda: _issue_once(
            site=site,
            username=username,
            configuration=configuration,
            status=status,
            attributes=attributes,
            date_override=date_override,
        ),
        attempts=ISSUE_ATTEMPTS,
        atomic=False,  # _issue_once opens a transaction only when it writes
        what=f"the issue of {type(configuration).__name__} {configuration.pk} to {username}",
    )

    if isinstance(configuration, ProgramCertificate):
        issued = {"credential": credential, "created": created, "site": site, "lms_user_id": lms_user_id}
        transaction.on_commit(lambda: _after_program_credential_issued(request=request, **issued))
    return credential, created


def _after_program_credential_issued(**issued):
    """Side effects of a program issue (spec/models.md §4.2 step 5: the completion e-mail, records re-sent to
    pathways); a failing receiver never loses the award. The platform event went through the outbox already."""
    for receiver, result in signals.program_credential_issued.send_robust(sender=UserCredential, **issued):
        if isinstance(result, Exception):
            log.error("%s failed after issuing %s: %r", receiver, issued["credential"].uuid, result)


def set_status(credential, status):
    """Change a credential's status (PUT/PATCH, admin); sends no e-mails or events."""
    if credential.status != status:
        credential.status = status
        credential.save(update_fields=["status", "modified"])
    return credential


def revoke_credential(credential):
    """Revoke: a soft delete, the row stays (spec/models.md §4.1). Idempotent."""
    return set_status(credential, REVOKED)
