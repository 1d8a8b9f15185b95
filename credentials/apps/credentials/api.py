"""The credentials app's public interface: issuing, revoking and the visibility rules (spec/models.md §4).

Program completion is the LMS's decision (§4.3): nothing here awards a program credential by itself.
"""

import logging
import time

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from credentials.apps.catalog.models import CourseRun
from credentials.apps.credentials import signals
from credentials.apps.credentials.constants import UserCredentialStatus
from credentials.apps.credentials.models import (
    CourseCertificate,
    ProgramCertificate,
    UserCredential,
    UserCredentialAttribute,
    UserCredentialDateOverride,
)

log = logging.getLogger(__name__)

AWARDED = UserCredentialStatus.AWARDED
REVOKED = UserCredentialStatus.REVOKED

# MySQL error codes worth one more try of a whole issuing transaction: deadlock, lock wait timeout.
RETRYABLE_MYSQL_ERRORS = {1213, 1205}
ISSUE_ATTEMPTS = 4


class ConfigurationError(Exception):
    """The credential a client asked for cannot be issued; ``field`` names the offending input."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def program_content_type():
    return ContentType.objects.get_for_model(ProgramCertificate)


def course_content_type():
    return ContentType.objects.get_for_model(CourseCertificate)


# --- Certificate configurations ------------------------------------------------------------------------


def get_active_program_certificate(*, site, program_uuid):
    """The active configuration for this program on this site (DESIGN.md §5.2), or ConfigurationError."""
    configuration = (
        ProgramCertificate.objects.filter(site=site, program_uuid=program_uuid, is_active=True)
        .select_related("program")
        .first()
    )
    if configuration is None:
        raise ConfigurationError("program_uuid", f"No active ProgramCertificate exists for program [{program_uuid}]")
    return configuration


def get_or_create_course_certificate(*, site, course_run_key, mode):
    """The site's configuration for this course run, created (active, of type ``mode``) when missing.

    An existing configuration is never modified: its type and a manual deactivation stay as they are.
    """
    configuration = (
        CourseCertificate.objects.filter(site=site, course_run__key=course_run_key).select_related("course_run").first()
        or CourseCertificate.objects.filter(site=site, course_id=course_run_key).select_related("course_run").first()
    )
    if configuration is None:
        course_run = CourseRun.objects.filter(key=course_run_key, course__site=site).first()
        if course_run is None:
            raise ConfigurationError(
                "course_run_key",
                f"CourseCertificate failed to create because the CourseRun {course_run_key} doesn't exist in the catalog",
            )
        if not mode:
            raise ConfigurationError("mode", "A mode is required to create the course certificate configuration.")
        try:
            with transaction.atomic():
                configuration = CourseCertificate.objects.create(
                    site=site, course_id=course_run_key, course_run=course_run, certificate_type=mode, is_active=True
                )
        except IntegrityError:
            # Created by a concurrent request in the meantime.
            configuration = CourseCertificate.objects.select_related("course_run").get(site=site, course_run=course_run)
    if not configuration.is_active:
        raise ConfigurationError(
            "course_run_key", f"No active CourseCertificate exists for course run [{course_run_key}]"
        )
    return configuration


def upsert_course_certificate(*, site, course_id, certificate_type, certificate_available_date=None, is_active=False):
    """Create or update the configuration keyed by (course_id, site, type), as Studio and the LMS push it.

    Returns (configuration, created). Raises ConfigurationError when another type's configuration already
    holds this course run (a run has at most one configuration).
    """
    course_run = CourseRun.objects.filter(key=course_id, course__site=site).first()
    if course_run is None:
        log.warning("Course run %s is not in the catalog of %s; configuration stored without it", course_id, site)
    clash = CourseCertificate.objects.filter(course_run=course_run).exclude(
        course_id=course_id, site=site, certificate_type=certificate_type
    )
    if course_run is not None and clash.exists():
        raise ConfigurationError(
            "certificate_type", f"Course run {course_id} already has a certificate configuration of another type."
        )
    with transaction.atomic():
        configuration, created = CourseCertificate.objects.select_for_update().get_or_create(
            course_id=course_id,
            site=site,
            certificate_type=certificate_type,
            defaults={
                "is_active": is_active,
                "certificate_available_date": certificate_available_date,
                "course_run": course_run,
            },
        )
        if not created:
            configuration.is_active = is_active
            configuration.certificate_available_date = certificate_available_date
            configuration.course_run = course_run or configuration.course_run
            configuration.save()
    return configuration, created


# --- Issuing -------------------------------------------------------------------------------------------


def _is_retryable(exc):
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, OperationalError) and bool(exc.args) and exc.args[0] in RETRYABLE_MYSQL_ERRORS


def _remember_attributes(credential, attributes):
    """Leave ``credential.attributes.all()`` answering from memory, as after a prefetch."""
    queryset = credential.attributes.all()
    queryset._result_cache = sorted(attributes, key=lambda attribute: attribute.pk or 0)
    queryset._prefetch_done = True
    credential._prefetched_objects_cache = {"attributes": queryset}


def _merge_attributes(credential, attributes, created):
    """Upsert each (name, value) by name; attributes not mentioned are kept (spec/api.md §6.2)."""
    existing = {} if created else {attribute.name: attribute for attribute in credential.attributes.all()}
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
        UserCredentialAttribute.objects.bulk_create(new)
        UserCredentialAttribute.objects.bulk_update(changed, ["value", "modified"])
    _remember_attributes(credential, existing.values())


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


def _issue_once(*, username, configuration, status, attributes, date_override):
    content_type = ContentType.objects.get_for_model(configuration)
    credential = (
        UserCredential.objects.filter(
            username=username, credential_content_type=content_type, credential_id=configuration.pk
        )
        .select_related("date_override")
        .prefetch_related("attributes")
        .first()
    )
    created = credential is None
    if created:
        credential = UserCredential.objects.create(
            username=username, credential_content_type=content_type, credential_id=configuration.pk, status=status
        )
    elif credential.status != status:
        credential.status = status
        credential.save(update_fields=["status", "modified"])
    _merge_attributes(credential, attributes, created)
    if isinstance(configuration, CourseCertificate):
        _apply_date_override(credential, date_override, created)
    credential.credential = configuration
    return credential, created


def issue_credential(
    *, site, username, configuration, status=AWARDED, attributes=(), date_override=None, lms_user_id=None, request=None
):
    """Award (or re-award, or revoke) one credential. Atomic and idempotent: one row per learner and
    configuration, attributes merged by name, the date override replaced (course runs only).

    Concurrent identical calls converge on one row: the unique constraints decide, and the loser of a
    race retries the whole transaction (DESIGN.md §5.8). Returns (credential, created).
    """
    attributes = list(attributes)
    for attempt in range(1, ISSUE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                credential, created = _issue_once(
                    username=username,
                    configuration=configuration,
                    status=status,
                    attributes=attributes,
                    date_override=date_override,
                )
            break
        except (IntegrityError, OperationalError) as exc:
            if attempt == ISSUE_ATTEMPTS or not _is_retryable(exc):
                raise
            log.info("Retrying the issue of %s to %s after %s", configuration, username, exc)
            time.sleep(0.01 * attempt)

    if isinstance(configuration, ProgramCertificate):
        transaction.on_commit(
            lambda: _after_program_credential_issued(credential, configuration, created, site, lms_user_id, request)
        )
    return credential, created


def _after_program_credential_issued(credential, configuration, created, site, lms_user_id, request):
    """Side effects of a program issue (spec/models.md §4.2 step 5); a failing receiver never loses the award."""
    status_signal = (
        signals.program_certificate_awarded if credential.status == AWARDED else signals.program_certificate_revoked
    )
    for signal, kwargs in (
        (status_signal, {"credential": credential, "configuration": configuration}),
        (
            signals.program_credential_issued,
            {
                "credential": credential,
                "created": created,
                "site": site,
                "lms_user_id": lms_user_id,
                "request": request,
            },
        ),
    ):
        for receiver, result in signal.send_robust(sender=UserCredential, **kwargs):
            if isinstance(result, Exception):
                log.error("%s failed after issuing %s: %r", receiver, credential.uuid, result)


def set_status(credential, status):
    """Change a credential's status (PUT/PATCH, admin); sends no e-mails or events."""
    if credential.status != status:
        credential.status = status
        credential.save(update_fields=["status", "modified"])
    return credential


def revoke_credential(credential):
    """Revoke: a soft delete, the row stays (spec/models.md §4.1). Idempotent."""
    return set_status(credential, REVOKED)


# --- Reading -------------------------------------------------------------------------------------------


def credentials_on_site(site):
    """UserCredentials whose configuration (program or course) belongs to ``site``."""
    return UserCredential.objects.filter(
        Q(
            credential_content_type=program_content_type(),
            credential_id__in=ProgramCertificate.objects.filter(site=site).values("pk"),
        )
        | Q(
            credential_content_type=course_content_type(),
            credential_id__in=CourseCertificate.objects.filter(site=site).values("pk"),
        )
    )


def with_configuration_fields(queryset):
    """Annotate each credential with what the API shows of its configuration, in the same query."""
    program = ProgramCertificate.objects.filter(pk=OuterRef("credential_id"))
    course = CourseCertificate.objects.filter(pk=OuterRef("credential_id"))
    return queryset.annotate(
        configuration_program_uuid=Subquery(program.values("program_uuid")[:1]),
        configuration_course_id=Subquery(course.values("course_id")[:1]),
        configuration_certificate_type=Subquery(course.values("certificate_type")[:1]),
    )


def _program_visible_date_subquery():
    """SQL for spec/models.md §4.6: the latest issue date of the learner's course credentials (any status)
    in the runs of the program of the outer row's ProgramCertificate; NULL when there is none."""
    supporting = (
        UserCredential.objects.filter(
            credential_content_type=course_content_type(),
            username=OuterRef("username"),
            course_credentials__course_run__programs__programcertificate__id=OuterRef("credential_id"),
        )
        .annotate(issued=Coalesce("course_credentials__certificate_available_date", "created"))
        .order_by()
        .values("username")
        .annotate(latest=Max("issued"))
        .values("latest")
    )
    return Subquery(supporting[:1])


def with_visible_dates(queryset):
    """Annotate ``program_visible_date`` (program credentials) and ``course_available_date`` (course ones)."""
    course = CourseCertificate.objects.filter(pk=OuterRef("credential_id"))
    return queryset.annotate(
        program_visible_date=_program_visible_date_subquery(),
        course_available_date=Subquery(course.values("certificate_available_date")[:1]),
    )


def filter_visible(queryset, now=None):
    """Keep credentials a learner may see now (spec/models.md §4.6). Does not look at the status."""
    now = now or timezone.now()
    queryset = with_visible_dates(queryset)
    return queryset.filter(
        Q(credential_content_type=course_content_type())
        & (Q(course_available_date__isnull=True) | Q(course_available_date__lte=now))
        | Q(credential_content_type=program_content_type(), program_visible_date__lte=now)
    )


def course_visible_date(credential, configuration, *, with_override=False):
    """The certificate's available date, else the award date; the override first when asked (records)."""
    if with_override:
        override = credential.get_date_override()
        if override is not None:
            return override.date
    return configuration.certificate_available_date or credential.created


def program_visible_date(credential):
    """The issue date of a program credential (the latest of its supporting course credentials), or None."""
    if hasattr(credential, "program_visible_date"):
        return credential.program_visible_date
    row = with_visible_dates(UserCredential.objects.filter(pk=credential.pk)).values("program_visible_date").first()
    return row["program_visible_date"] if row else None


def get_credential(*, site, uuid):
    """The credential with this uuid whose configuration is on ``site``, or None."""
    return credentials_on_site(site).filter(uuid=uuid).first()
