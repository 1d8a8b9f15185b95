"""What a certificate page shows (spec/pages.md §3-4, spec/models.md §4.6-4.7): an awarded credential's
certificate, a staff preview of a configuration, and the fake example certificate."""

import re
import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import IntegerField, UUIDField
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from credentials.apps.catalog.models import CourseOwner, ProgramAuthoringOrganization
from credentials.apps.core import api as core_api
from credentials.apps.credentials.caching import CERTIFICATE_CONFIGURATION_SCOPES, certificate_configuration_key
from credentials.apps.credentials.constants import (
    COURSE_RUN_TYPE,
    PROGRAM_TYPE,
    PROGRAM_TYPE_NAMES,
    CertificateType,
)
from credentials.apps.credentials.issuing import AWARDED
from credentials.apps.credentials.listing import credentials_on_site
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, Signatory
from credentials.apps.credentials.visibility import (
    content_type_ids,
    program_content_type,
    program_visible_date_subquery,
)

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
    course_title: str | None = None  # a course certificate's course, as the catalog names it
    course_run_name: str | None = None  # which run: its own title, else the run part of its key ("2026")
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

    @property
    def type_takes_an(self):
        """Whether English says "an" before the type name ("an XSeries", "a MicroMasters")."""
        return takes_an(self.type_name)


# Letters whose English name starts with a vowel sound: an initialism or a CamelCase prefix starting with
# one is read letter by letter ("an XSeries", "an MBA").
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")


def takes_an(name):
    """English indefinite article rule for a type name: "an" before a vowel, or before a capital read as a
    letter whose name starts with a vowel sound; "a" otherwise ("a Professional Certificate", "a Masters")."""
    name = (name or "").strip()
    if not name:
        return False
    if name[0].lower() in "aeiou":
        return True
    return len(name) > 1 and name[0] in _VOWEL_SOUND_LETTERS and name[1].isupper()


def program_type_name(program_type):
    """The display name of a program type given by name or slug: "xseries" → "XSeries"; unknown types as given."""
    return PROGRAM_TYPE_NAMES.get(slugify(program_type), program_type)


def course_run_name(run_key, run_title, course_title):
    """The run as a learner tells runs apart: the run's own title when it has one that is not just the
    course's, else the run part of its key (``course-v1:DemoX+DS101+2026`` → ``2026``)."""
    if run_title and run_title != course_title:
        return run_title
    if not run_key:
        return None
    return re.split(r"[+/]", run_key.removeprefix("course-v1:"))[-1] or None


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


def _signatories(through, owner_field, configuration_id, organizations, *, urls=True):
    """The configuration's signatories in database order; the organization defaults to the first issuer's.
    With ``urls=False`` their ``image_url`` is the image's file name (turned into a URL on each view)."""
    default_organization = organizations[0].name if organizations else ""
    links = through.objects.filter(**{owner_field: configuration_id}).select_related("signatory").order_by("pk")
    return tuple(
        CertificateSignatory(
            name=link.signatory.name,
            title=link.signatory.title,
            organization=link.signatory.organization_name_override or default_organization,
            image_url=(link.signatory.image.url if urls else link.signatory.image.name)
            if link.signatory.image
            else None,
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


def _signatory_rows(through, owner_field, configuration_id, organizations):
    """(name, title, organization, image file name) of the configuration's signatories, in database order."""
    return tuple(
        (signatory.name, signatory.title, signatory.organization, signatory.image_url)
        for signatory in _signatories(through, owner_field, configuration_id, organizations, urls=False)
    )


def _program_parts(configuration_id):
    paths = {name: path.removeprefix("program_credentials__") for name, path in _PROGRAM_FIELDS.items()}
    fields = ProgramCertificate.objects.filter(pk=configuration_id).values(*paths.values()).first()
    if fields is None:
        return None
    fields = {name: fields[path] for name, path in paths.items()}
    organizations = ()
    if fields["program_id"] is not None:
        organizations = _organizations(
            ProgramAuthoringOrganization.objects.filter(program_id=fields["program_id"]),
            use_org_name=fields["use_org_name"],
        )
    return {
        "kind": PROGRAM_TYPE,
        "title": fields["program_title"] or "",
        "credential_title": fields["title"] or None,
        "type_name": fields["program_type"] or "",
        "type_slug": _type_slug(fields["program_type_slug"], fields["program_type"]),
        "organizations": organizations,
        "signatories": _signatory_rows(
            ProgramCertificate.signatories.through, "programcertificate_id", configuration_id, organizations
        ),
        "language": render_language(fields["language"]),
        "hours_of_effort": fields["total_hours_of_effort"] if fields["include_hours_of_effort"] else None,
        "program_uuid": fields["program_uuid"],
    }


def _course_parts(configuration_id):
    paths = {name: path.removeprefix("course_credentials__") for name, path in _COURSE_FIELDS.items()}
    fields = CourseCertificate.objects.filter(pk=configuration_id).values(*paths.values()).first()
    if fields is None:
        return None
    fields = {name: fields[path] for name, path in paths.items()}
    organizations = ()
    if fields["catalog_course_id"] is not None:
        organizations = _organizations(
            CourseOwner.objects.filter(course_id=fields["catalog_course_id"]), use_org_name=True
        )
    certificate_type = fields["certificate_type"] or ""
    language = render_language(None)
    # The type name is text of the certificate, so it is in the certificate's language, not the viewer's.
    with translation.override(language):
        type_name = str(COURSE_CERTIFICATE_TYPE_NAMES.get(certificate_type, gettext_lazy("Certificate")))
    return {
        "kind": COURSE_RUN_TYPE,
        "title": fields["run_title"] or fields["course_title"] or fields["course_id"] or "",
        "credential_title": fields["title"] or None,
        "type_name": type_name,
        "type_slug": slugify(certificate_type),
        "organizations": organizations,
        "signatories": _signatory_rows(
            CourseCertificate.signatories.through, "coursecertificate_id", configuration_id, organizations
        ),
        "language": language,
        "course_run_key": fields["run_key"] or fields["course_id"],
        "course_title": fields["course_title"] or fields["run_title"] or None,
        "course_run_name": course_run_name(
            fields["run_key"] or fields["course_id"], fields["run_title"], fields["course_title"]
        ),
        "course_run_start": fields["run_start"],
        "course_run_end": fields["run_end"],
    }


def _configuration_parts(*, is_program, configuration_id):
    """What a certificate shows of its configuration, the catalog and the signatories (in the certificate's
    language, whoever views it): the same for every learner holding one, so it is kept in the cache with the generations of the catalog and the
    configurations (caching.py: any change to them retires it) whatever CERTIFICATE_PAGE_CACHE_TTL says.
    Thousands of learners viewing their certificate once share it (issue 20). Signatory images are kept by
    file name, their URLs made on each view (signed storage URLs expire)."""
    key = certificate_configuration_key(is_program, configuration_id)
    build = _program_parts if is_program else _course_parts
    return core_api.cached_with_generations(
        key, CERTIFICATE_CONFIGURATION_SCOPES, lambda: build(configuration_id), settings.CONFIGURATION_CACHE_TTL
    )


def _certificate(row, parts, *, issue_date):
    storage = Signatory._meta.get_field("image").storage
    signatories = tuple(
        CertificateSignatory(
            name=name, title=title, organization=organization, image_url=storage.url(image) if image else None
        )
        for name, title, organization, image in parts["signatories"]
    )
    return Certificate(
        **{**parts, "signatories": signatories}, uuid=row["uuid"], username=row["username"], issue_date=issue_date
    )


def _certificate_row_query():
    return (
        credentials_on_site(core_api.Param("site_id", IntegerField()))
        .filter(uuid=core_api.Param("uuid", UUIDField()), status=AWARDED)
        .annotate(program_visible_date=program_visible_date_subquery())
        .values(
            "uuid",
            "username",
            "created",
            "credential_content_type_id",
            "credential_id",
            "program_visible_date",
            "date_override__date",
            _PROGRAM_FIELDS["program_id"],
            _COURSE_FIELDS["certificate_available_date"],
        )
        .order_by("pk")[:1]
    )


# Compiled once per process: the ORM's building of this query cost about as much CPU as rendering the page.
_CERTIFICATE_ROW = core_api.CompiledQuery(_certificate_row_query, key=content_type_ids)


def get_certificate(*, site, uuid, now=None):
    """The public certificate of the awarded, visible credential ``uuid`` on ``site``, or None (a 404).

    Program credentials are visible from their program visible date (spec/models.md §4.6), which is also
    their issue date. When the configuration's program is missing from the catalog that date cannot be
    computed; the page then shows what is known with the award date (DESIGN.md §5.1), instead of failing.
    Course credentials render too (DESIGN.md §5.12): visible from the certificate's available date, issued
    on the date override, else the available date, else the award date.

    One query for the credential and what its visibility depends on; what it shows of its configuration
    comes from the cache (three more queries when it is not there).
    """
    now = now or timezone.now()
    row = _CERTIFICATE_ROW.first(site_id=site.pk, uuid=uuid)
    if row is None:
        return None

    program_id, available_path = _PROGRAM_FIELDS["program_id"], _COURSE_FIELDS["certificate_available_date"]
    is_program = row["credential_content_type_id"] == program_content_type().pk
    if is_program:
        if row[program_id] is None:
            issue_date = row["created"]
        else:
            issue_date = row["program_visible_date"]
            if issue_date is None or issue_date > now:
                return None
    else:
        available_date = row[available_path]
        if available_date is not None and available_date > now:
            return None
        issue_date = row["date_override__date"] or available_date or row["created"]
    parts = _configuration_parts(is_program=is_program, configuration_id=row["credential_id"])
    if parts is None:  # the configuration was deleted since the row was read
        return None
    return _certificate(row, parts, issue_date=issue_date)


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
