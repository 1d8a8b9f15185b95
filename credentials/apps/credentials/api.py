"""The credentials app's public interface: issuing, revoking and the visibility rules (spec/models.md §4).

Program completion is the LMS's decision (§4.3): nothing here awards a program credential by itself.
"""

import logging
import time
import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy
from simple_history.utils import bulk_update_with_history

from credentials.apps.catalog.models import (
    CourseOwner,
    CourseRun,
    Program,
    ProgramAuthoringOrganization,
    ProgramCourseRun,
)
from credentials.apps.core import api as core_api
from credentials.apps.core import lms
from credentials.apps.core.models import User
from credentials.apps.credentials import signals
from credentials.apps.credentials.constants import (
    COURSE_RUN_TYPE,
    MAX_ATTRIBUTES_PER_CREDENTIAL,
    PROGRAM_TYPE,
    CertificateType,
    UserCredentialStatus,
)
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
        credential.forget_date_override()  # a new credential has none; saves a query when it is shown
    else:
        set_status(credential, status)
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
    """UserCredentials whose configuration (program or course) belongs to ``site``.

    Joined through the generic relations (each join is restricted to its content type), so that
    with_configuration_fields() reads the configuration from the same joins.
    """
    return UserCredential.objects.filter(Q(program_credentials__site=site) | Q(course_credentials__site=site))


def filter_credentials(
    queryset, *, site, username=None, status=None, credential_type=None, program_uuid=None, only_visible=False
):
    """The list filters of spec/api.md §6.1, each applied only when given (AND-ed).

    ``credential_type`` is "program" or "course-run" (anything else: no filtering). ``program_uuid`` keeps
    the program's credentials and the course-run credentials in the program's runs on this site; a value
    that is not a UUID matches nothing. ``only_visible`` applies filter_visible().
    """
    if username:
        queryset = queryset.filter(username=username)
    if status:
        queryset = queryset.filter(status=status)
    if credential_type == PROGRAM_TYPE:
        queryset = queryset.filter(credential_content_type=program_content_type())
    elif credential_type == COURSE_RUN_TYPE:
        queryset = queryset.filter(credential_content_type=course_content_type())
    if program_uuid is not None:
        try:
            program_uuid = uuid_module.UUID(str(program_uuid))
        except ValueError:
            return queryset.none()
        program_runs = ProgramCourseRun.objects.filter(program__site=site, program__uuid=program_uuid)
        queryset = queryset.filter(
            Q(
                credential_content_type=program_content_type(),
                credential_id__in=ProgramCertificate.objects.filter(site=site, program_uuid=program_uuid).values("pk"),
            )
            | Q(
                credential_content_type=course_content_type(),
                credential_id__in=CourseCertificate.objects.filter(
                    course_run__in=program_runs.values("course_run_id")
                ).values("pk"),
            )
        )
    if only_visible:
        queryset = filter_visible(queryset)
    return queryset


def with_configuration_fields(queryset):
    """Annotate each credential with what the API shows of its configuration, in the same query."""
    return queryset.annotate(
        configuration_program_uuid=F("program_credentials__program_uuid"),
        configuration_course_id=F("course_credentials__course_id"),
        configuration_certificate_type=F("course_credentials__certificate_type"),
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


def course_available_now(available_date, now):
    """The course-credential half of filter_visible(), for dates already read: no available date, or a past one."""
    return available_date is None or available_date <= now


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


def load_attribute_pairs(credentials):
    """Set ``attribute_pairs`` — [(name, value)] in creation order — on each credential, in one query."""
    pairs = {credential.pk: [] for credential in credentials}
    rows = UserCredentialAttribute.objects.filter(user_credential_id__in=list(pairs)).order_by("id")
    for credential_id, name, value in rows.values_list("user_credential_id", "name", "value"):
        pairs[credential_id].append((name, value))
    for credential in credentials:
        credential.attribute_pairs = pairs[credential.pk]
    return credentials


def attribute_pairs(credential):
    """The credential's [(name, value)], from load_attribute_pairs() or issuing when already known."""
    known = getattr(credential, "attribute_pairs", None)
    if known is None:
        known = list(credential.attributes.order_by("id").values_list("name", "value"))
    return known


def get_credential(*, site, uuid):
    """The credential with this uuid whose configuration is on ``site``, or None."""
    return credentials_on_site(site).filter(uuid=uuid).first()


# --- Certificate pages (spec/pages.md §3-4, spec/models.md §4.6-4.7) -----------------------------------------

# The course certificate's type as a learner reads it (the LMS enrollment mode that earned it).
COURSE_CERTIFICATE_TYPE_NAMES = {
    CertificateType.HONOR: gettext_lazy("Honor Code Certificate"),
    CertificateType.VERIFIED: gettext_lazy("Verified Certificate"),
    CertificateType.PROFESSIONAL: gettext_lazy("Professional Certificate"),
    CertificateType.NO_ID_PROFESSIONAL: gettext_lazy("Professional Certificate"),
    CertificateType.MASTERS: gettext_lazy("Master's Certificate"),
}
# The preview of a real configuration shows this stand-in credential id (spec/pages.md §4.2).
PREVIEW_CREDENTIAL_UUID = uuid_module.UUID("11111111-1111-1111-1111-111111111111")


@dataclass(frozen=True)
class CertificateOrganization:
    key: str
    name: str
    display_name: str  # the key, or the full name when the configuration says use_org_name
    logo_url: str | None


@dataclass(frozen=True)
class CertificateSignatory:
    name: str
    title: str  # admin text; may contain <br> line breaks
    organization: str
    image_url: str | None


@dataclass(frozen=True)
class Certificate:
    """Everything a certificate page shows about one credential, read in a fixed number of queries."""

    kind: str  # PROGRAM_TYPE or COURSE_RUN_TYPE
    uuid: uuid_module.UUID
    username: str
    title: str  # the program's or course run's title ("" when the catalog does not have it)
    credential_title: str | None  # the configuration's custom title
    type_name: str  # "Professional Certificate", "Verified Certificate", ...
    type_slug: str  # selects the template (spec/pages.md §3.5)
    organizations: tuple[CertificateOrganization, ...]
    signatories: tuple[CertificateSignatory, ...]
    issue_date: datetime | None
    language: str  # the render language, e.g. "es-419"
    hours_of_effort: int | None = None
    program_uuid: uuid_module.UUID | None = None
    course_run_key: str | None = None
    course_run_start: datetime | None = None
    course_run_end: datetime | None = None

    @property
    def is_program(self):
        return self.kind == PROGRAM_TYPE

    @property
    def display_title(self):
        return self.credential_title or self.title

    @property
    def organization_names(self):
        return [organization.display_name for organization in self.organizations]


@dataclass(frozen=True)
class LearnerName:
    username: str
    name: str  # printed on the certificate: the verified name when the learner chose it
    display_name: str  # the LMS profile name, for the congratulation banner


def render_language(language):
    """``es_419`` → ``es-419``; empty → LANGUAGE_CODE (spec/pages.md §3.8)."""
    return (language or settings.LANGUAGE_CODE).replace("_", "-").lower()


def org_name_string(names):
    """Organization names joined as "A", "A and B" or "A, B, and C", in the active language (spec/pages.md §3.3)."""
    names = [str(name) for name in names]
    if len(names) <= 1:
        return names[0] if names else ""
    if len(names) == 2:
        return gettext("{first_org} and {second_org}").format(first_org=names[0], second_org=names[1])
    return gettext("{series_of_orgs}, and {last_org}").format(series_of_orgs=", ".join(names[:-1]), last_org=names[-1])


def _type_slug(type_slug, type_name):
    return slugify(type_slug or type_name or "")


# Configuration fields read with the credential in one query, through the generic relations' joins.
_PROGRAM_FIELDS = {
    "title": "program_credentials__title",
    "language": "program_credentials__language",
    "use_org_name": "program_credentials__use_org_name",
    "include_hours_of_effort": "program_credentials__include_hours_of_effort",
    "program_uuid": "program_credentials__program_uuid",
    "program_id": "program_credentials__program_id",
    "program_title": "program_credentials__program__title",
    "program_type": "program_credentials__program__type",
    "program_type_slug": "program_credentials__program__type_slug",
    "total_hours_of_effort": "program_credentials__program__total_hours_of_effort",
}
_COURSE_FIELDS = {
    "title": "course_credentials__title",
    "certificate_type": "course_credentials__certificate_type",
    "certificate_available_date": "course_credentials__certificate_available_date",
    "course_id": "course_credentials__course_id",
    "run_key": "course_credentials__course_run__key",
    "run_title": "course_credentials__course_run__title_override",
    "run_start": "course_credentials__course_run__start_date",
    "run_end": "course_credentials__course_run__end_date",
    "catalog_course_id": "course_credentials__course_run__course_id",
    "course_title": "course_credentials__course_run__course__title",
}


def _signatories(through, owner_field, configuration_id, organizations):
    """The configuration's signatories in database order; the organization defaults to the first issuer's."""
    default_organization = organizations[0].name if organizations else ""
    links = through.objects.filter(**{owner_field: configuration_id}).select_related("signatory").order_by("pk")
    return tuple(
        CertificateSignatory(
            name=link.signatory.name,
            title=link.signatory.title,
            organization=link.signatory.organization_name_override or default_organization,
            image_url=link.signatory.image.url if link.signatory.image else None,
        )
        for link in links
    )


def _organizations(links, *, use_org_name):
    return tuple(
        CertificateOrganization(
            key=link.organization.key,
            name=link.organization.name,
            display_name=link.organization.name if use_org_name else link.organization.key,
            logo_url=link.organization.certificate_logo_image_url or None,
        )
        for link in links.select_related("organization").order_by("sort_value", "pk")
    )


def _program_certificate(row, *, issue_date):
    fields = {name: row[path] for name, path in _PROGRAM_FIELDS.items()}
    organizations = ()
    if fields["program_id"] is not None:
        organizations = _organizations(
            ProgramAuthoringOrganization.objects.filter(program_id=fields["program_id"]),
            use_org_name=fields["use_org_name"],
        )
    return Certificate(
        kind=PROGRAM_TYPE,
        uuid=row["uuid"],
        username=row["username"],
        title=fields["program_title"] or "",
        credential_title=fields["title"] or None,
        type_name=fields["program_type"] or "",
        type_slug=_type_slug(fields["program_type_slug"], fields["program_type"]),
        organizations=organizations,
        signatories=_signatories(
            ProgramCertificate.signatories.through, "programcertificate_id", row["credential_id"], organizations
        ),
        issue_date=issue_date,
        language=render_language(fields["language"]),
        hours_of_effort=fields["total_hours_of_effort"] if fields["include_hours_of_effort"] else None,
        program_uuid=fields["program_uuid"],
    )


def _course_certificate(row, *, issue_date):
    fields = {name: row[path] for name, path in _COURSE_FIELDS.items()}
    organizations = ()
    if fields["catalog_course_id"] is not None:
        organizations = _organizations(
            CourseOwner.objects.filter(course_id=fields["catalog_course_id"]), use_org_name=True
        )
    certificate_type = fields["certificate_type"] or ""
    return Certificate(
        kind=COURSE_RUN_TYPE,
        uuid=row["uuid"],
        username=row["username"],
        title=fields["run_title"] or fields["course_title"] or fields["course_id"] or "",
        credential_title=fields["title"] or None,
        type_name=str(COURSE_CERTIFICATE_TYPE_NAMES.get(certificate_type, gettext_lazy("Certificate"))),
        type_slug=slugify(certificate_type),
        organizations=organizations,
        signatories=_signatories(
            CourseCertificate.signatories.through, "coursecertificate_id", row["credential_id"], organizations
        ),
        issue_date=issue_date,
        language=render_language(None),
        course_run_key=fields["run_key"] or fields["course_id"],
        course_run_start=fields["run_start"],
        course_run_end=fields["run_end"],
    )


def get_certificate(*, site, uuid, now=None):
    """The public certificate of the awarded, visible credential ``uuid`` on ``site``, or None (a 404).

    Program credentials are visible from their program visible date (spec/models.md §4.6), which is also
    their issue date. When the configuration's program is missing from the catalog that date cannot be
    computed; the page then shows what is known with the award date (DESIGN.md §5.1), instead of failing.
    Course credentials render too (DESIGN.md §5.12): visible from the certificate's available date, issued
    on the date override, else the available date, else the award date.

    Three queries: the credential with its configuration and catalog program or run, then the
    organizations, then the signatories.
    """
    now = now or timezone.now()
    row = (
        credentials_on_site(site)
        .filter(uuid=uuid, status=AWARDED)
        .annotate(program_visible_date=_program_visible_date_subquery())
        .values(
            "uuid",
            "username",
            "created",
            "credential_content_type_id",
            "credential_id",
            "program_visible_date",
            "date_override__date",
            *_PROGRAM_FIELDS.values(),
            *_COURSE_FIELDS.values(),
        )
        .first()
    )
    if row is None:
        return None

    if row["credential_content_type_id"] == program_content_type().pk:
        if row[_PROGRAM_FIELDS["program_id"]] is None:
            issue_date = row["created"]
        else:
            issue_date = row["program_visible_date"]
            if issue_date is None or issue_date > now:
                return None
        return _program_certificate(row, issue_date=issue_date)

    available_date = row[_COURSE_FIELDS["certificate_available_date"]]
    if available_date is not None and available_date > now:
        return None
    return _course_certificate(row, issue_date=row["date_override__date"] or available_date or row["created"])


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


def preview_program_certificate(*, site, program_uuid, username, now=None):
    """A stand-in awarded credential of the site's configuration for ``program_uuid`` (staff preview,
    spec/pages.md §4.2): issued now, with the all-ones id, printed for ``username``. None when unknown."""
    configuration = (
        ProgramCertificate.objects.filter(site=site, program_uuid=program_uuid).select_related("program").first()
    )
    if configuration is None:
        return None
    program = configuration.program
    organizations = ()
    if program is not None:
        organizations = _organizations(
            ProgramAuthoringOrganization.objects.filter(program=program), use_org_name=configuration.use_org_name
        )
    return Certificate(
        kind=PROGRAM_TYPE,
        uuid=PREVIEW_CREDENTIAL_UUID,
        username=username,
        title=program.title if program else "",
        credential_title=configuration.title or None,
        type_name=program.type if program else "",
        type_slug=_type_slug(program.type_slug, program.type) if program else "",
        organizations=organizations,
        signatories=_signatories(
            ProgramCertificate.signatories.through, "programcertificate_id", configuration.pk, organizations
        ),
        issue_date=now or timezone.now(),
        language=render_language(configuration.language),
        hours_of_effort=program.total_hours_of_effort if program and configuration.include_hours_of_effort else None,
        program_uuid=configuration.program_uuid,
    )


def example_certificate(*, program_type=None):
    """The fake certificate of /credentials/example/ (spec/pages.md §4.1): no database, no LMS."""
    program_type = (program_type or "Professional Certificate")[:100]
    organization = CertificateOrganization(
        key="ExampleX",
        name="Example University",
        display_name="Absolutely Fake University",
        logo_url=None,
    )
    return Certificate(
        kind=PROGRAM_TYPE,
        uuid=uuid_module.uuid4(),
        username="",
        title="Completely Example Program",
        credential_title=None,
        type_name=program_type,
        type_slug=slugify(program_type),
        organizations=(organization,),
        signatories=(
            CertificateSignatory(
                name="Pseudo McFakerson",
                title="Professor...really just Some Guy",
                organization="Parts Unknown",
                image_url=None,
            ),
        ),
        issue_date=timezone.now(),
        language=render_language(None),
        program_uuid=uuid_module.uuid4(),
    )


def get_learner_name(*, site, username):
    """The learner's name from the LMS (cached), falling back to the local user's name, then the username.

    The verified name is printed when the learner chose it for certificates (spec/integration.md §1.3).
    An unreachable LMS never fails the page (DESIGN.md §5.9).
    """
    configuration = core_api.get_site_configuration(site)
    data = None
    if configuration is not None:
        try:
            data = lms.get_user_data(configuration, username)
        except lms.LmsUnavailable:
            data = None
    lms_name = (data or {}).get("name") or ""
    if not lms_name:
        user = core_api.get_user_by_username(username)
        lms_name = (user.get_full_name() if user else "") or username
    printed = lms_name
    if data and data.get("use_verified_name_for_certs") and data.get("verified_name"):
        printed = data["verified_name"]
    return LearnerName(username=username, name=printed, display_name=lms_name)


# --- Maintenance (spec/integration.md §3.3) ----------------------------------------------------------------


class MaintenanceError(Exception):
    """A maintenance command cannot do what it was asked; the message says why, for the operator."""


# The configuration types a credential can be revoked from in bulk (badge templates are not part of this service).
REVOCABLE_CONFIGURATION_MODELS = {"programcertificate": ProgramCertificate, "coursecertificate": CourseCertificate}


@dataclass
class BulkRevocation:
    credentials: list  # the awarded credentials that are (or, in a dry run, would be) revoked
    unknown_lms_user_ids: list


def revoke_credentials_of_learners(*, credential_type, credential_id, lms_user_ids, dry_run=False):
    """Revoke one configuration's awarded credentials of the learners with these LMS user ids.

    One bulk update, as upstream's ``revoke_certificates``: no signals, events or e-mails. Unlike upstream
    it refreshes ``modified`` and writes a history row per credential ("revoke_certificates command").
    """
    model = REVOCABLE_CONFIGURATION_MODELS.get(credential_type)
    if model is None:
        raise MaintenanceError(f"Unsupported credential type {credential_type!r}.")
    lms_user_ids = list(dict.fromkeys(lms_user_ids))
    users = list(User.objects.filter(lms_user_id__in=lms_user_ids).values_list("lms_user_id", "username"))
    found_ids = {lms_user_id for lms_user_id, _ in users}
    unknown = [lms_user_id for lms_user_id in lms_user_ids if lms_user_id not in found_ids]
    if not users:
        raise MaintenanceError(f"No user has any of the LMS user ids {lms_user_ids}.")
    credentials = list(
        UserCredential.objects.filter(
            credential_content_type=ContentType.objects.get_for_model(model),
            credential_id=credential_id,
            username__in=[username for _, username in users],
            status=AWARDED,
        ).order_by("username")
    )
    if not credentials:
        raise MaintenanceError(f"None of these learners holds an awarded {credential_type} {credential_id}.")
    if not dry_run:
        now = timezone.now()
        for credential in credentials:
            credential.status, credential.modified = REVOKED, now
        bulk_update_with_history(
            credentials, UserCredential, ["status", "modified"], default_change_reason="revoke_certificates command"
        )
    return BulkRevocation(credentials=credentials, unknown_lms_user_ids=unknown)


def link_course_certificates_to_runs(*, dry_run=False):
    """Link course certificate configurations without a course run to the run with their course id.

    The run is looked up in the configuration's own site's catalog (DESIGN.md §5.2). Returns
    (linked [(configuration, run)], unmatched [configuration]); a run another configuration already holds
    counts as unmatched (a run has at most one configuration).
    """
    linked, unmatched = [], []
    taken = set(CourseCertificate.objects.filter(course_run__isnull=False).values_list("course_run_id", flat=True))
    for configuration in CourseCertificate.objects.filter(course_run__isnull=True).order_by("pk"):
        run = (
            CourseRun.objects.filter(key=configuration.course_id, course__site_id=configuration.site_id)
            .exclude(pk__in=taken)
            .order_by("pk")
            .first()
        )
        if run is None:
            unmatched.append(configuration)
            continue
        taken.add(run.pk)
        if not dry_run:
            configuration.course_run = run
            configuration.save(update_fields=["course_run"])
        linked.append((configuration, run))
    return linked, unmatched


def create_program_certificate_configuration(*, site_domain, program_title):
    """Get or create an active configuration for the catalog program with this title (devstack helper)."""
    site = Site.objects.filter(domain=site_domain).first()
    if site is None:
        raise MaintenanceError(f"No site has the domain {site_domain!r}.")
    programs = list(Program.objects.filter(site=site, title=program_title)[:2])
    if not programs:
        raise MaintenanceError(f"No program titled {program_title!r} is in the catalog of {site_domain}.")
    if len(programs) > 1:
        raise MaintenanceError(f"Several programs are titled {program_title!r} on {site_domain}.")
    program = programs[0]
    return ProgramCertificate.objects.get_or_create(
        site=site, program_uuid=program.uuid, defaults={"program": program, "is_active": True}
    )
