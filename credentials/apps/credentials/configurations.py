"""Certificate configurations: which program or course-run configuration a credential is issued from, and
the upserts Studio and the LMS push (spec/models.md §3, spec/api.md §6)."""

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core import api as core_api
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate

log = logging.getLogger(__name__)

# What a configuration returned by resolve_configuration is built from.
CONFIGURATION_SCOPES = (core_api.CONFIGURATIONS, core_api.CATALOG)


class ConfigurationError(Exception):
    """The credential a client asked for cannot be issued; ``field`` names the offending input."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


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

    def write():
        # No select_for_update on a row that may be missing: on MySQL that takes a gap lock, and concurrent
        # identical POSTs then deadlock. The unique constraints decide a race; the loser runs again.
        clash = CourseCertificate.objects.filter(course_run=course_run).exclude(
            course_id=course_id, site=site, certificate_type=certificate_type
        )
        if course_run is not None and clash.exists():
            raise ConfigurationError(
                "certificate_type", f"Course run {course_id} already has a certificate configuration of another type."
            )
        configuration = CourseCertificate.objects.filter(
            course_id=course_id, site=site, certificate_type=certificate_type
        ).first()
        if configuration is None:
            configuration = CourseCertificate.objects.create(
                course_id=course_id,
                site=site,
                certificate_type=certificate_type,
                is_active=is_active,
                certificate_available_date=certificate_available_date,
                course_run=course_run,
            )
            return configuration, True
        configuration.is_active = is_active
        configuration.certificate_available_date = certificate_available_date
        configuration.course_run = course_run or configuration.course_run
        configuration.save()
        return configuration, False

    return core_api.run_with_retries(write)


def resolve_configuration(*, site, program_uuid=None, course_run_key=None, mode=None):
    """The configuration a POSTed credential names (spec/api.md §6.2): the site's active program
    configuration, or the course run's, created when missing. Raises ConfigurationError.

    The LMS posts thousands of credentials of one configuration at the end of a run: a configuration found is
    kept in the cache with the generations of the configurations and the catalog (its program), so the next
    post of it costs no statement (and no cache round trip while the request's snapshot of generations
    matches: core/generations.py); any change to either retires it (caching.py, catalog/caching.py)."""
    if program_uuid is not None:
        key, build = (
            f"program:{program_uuid}",
            lambda: get_active_program_certificate(site=site, program_uuid=program_uuid),
        )
    else:
        key = f"course-run:{hashlib.sha256(course_run_key.encode()).hexdigest()}"

        def build():
            return get_or_create_course_certificate(site=site, course_run_key=course_run_key, mode=mode)

    configuration = core_api.cached_with_generations(
        f"configuration-of:{site.pk}:{key}",
        CONFIGURATION_SCOPES,
        build,
        settings.CONFIGURATION_CACHE_TTL,
        in_process=True,
    )
    if not configuration.is_active:  # unreachable for a fresh lookup; kept for a cache entry's sake
        raise ConfigurationError("credential", "This certificate configuration is not active.")
    return configuration


def get_course_certificate_in_use(*, site, course_id):
    """The configuration GET, PUT and PATCH of a course id act on (spec/api.md §8.2), or None.

    Several types may share a course id (only while the run is missing from the catalog): the active one
    linked to a catalog run is the one in use, then the oldest.
    """
    return (
        CourseCertificate.objects.filter(site=site, course_id=course_id)
        .select_related("course_run")
        .order_by("-is_active", F("course_run").asc(nulls_last=True), "id")
        .first()
    )


def update_course_certificate(configuration, **fields):
    """PUT/PATCH of one configuration (spec/api.md §8.2): set the given fields and save; saving links the
    catalog run and keeps the course id in step with it (CourseCertificate.save).

    Raises ConfigurationError, changing nothing, when another configuration already has the resulting course
    id and type, or the course run (upstream answers 500).
    """
    if "course_id" in fields and fields["course_id"] != configuration.course_id:
        # A new course id means another run: unlink the old one so that save() links the new id's run
        # (otherwise save() would quietly put the old run's key back).
        configuration.course_run = None
    try:
        core_api.update_fields(configuration, fields)
    except IntegrityError as exc:
        attempted = configuration.course_id
        configuration.refresh_from_db()  # the caller's instance shows the stored row again
        raise ConfigurationError(
            "certificate_type",
            f"Another certificate configuration already has course {attempted} with this type, or its course run.",
        ) from exc
    return configuration
