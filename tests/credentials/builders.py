"""Arrange complete certificates (catalog, configuration, signatories, awards) for the page tests."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache

from credentials.apps.catalog.api import set_ordered
from credentials.apps.core.lms import user_data_cache_key
from tests.factories import (
    CourseCertificateFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    ProgramCertificateFactory,
    ProgramFactory,
    SignatoryFactory,
    UserCredentialFactory,
    default_site,
)

AVAILABLE = datetime(2025, 5, 14, 12, 0, tzinfo=UTC)


@dataclass
class Awarded:
    credential: object
    configuration: object
    program: object = None
    runs: tuple = ()
    course_credentials: tuple = ()

    @property
    def url(self):
        return f"/credentials/{self.credential.uuid.hex}/"


def organizations(count=2, site=None, **overrides):
    site = site or default_site()
    names = [("ACMEx", "ACME University"), ("GlobeX", "Globe Institute"), ("NovaX", "Nova College")]
    return [OrganizationFactory(site=site, key=key, name=name, **overrides) for key, name in names[:count]]


def program_credential(
    *,
    username="alice",
    site=None,
    title="Data Science Foundations",
    program_type="Professional Certificate",
    type_slug="professional-certificate",
    orgs=None,
    available_dates=(AVAILABLE,),
    signatories=None,
    status="awarded",
    **configuration,
):
    """A program of one run per available date, awarded to ``username`` with its course credentials."""
    site = site or default_site()
    program = ProgramFactory(site=site, title=title, type=program_type, type_slug=type_slug, total_hours_of_effort=120)
    set_ordered(program, "authoring_organizations", organizations(site=site) if orgs is None else orgs)
    runs, course_credentials = [], []
    for available in available_dates:
        run = CourseRunFactory(course__site=site)
        runs.append(run)
        course_configuration = CourseCertificateFactory(site=site, course_run=run, certificate_available_date=available)
        course_credentials.append(UserCredentialFactory(username=username, credential=course_configuration))
    set_ordered(program, "course_runs", runs)
    program_configuration = ProgramCertificateFactory(site=site, program=program, **configuration)
    if signatories is None:
        signatories = [SignatoryFactory(name="Dr. Grace Hopper", title="Dean of Computing")]
    for signatory in signatories:  # one at a time: add(*many) inserts in set order, not the order given
        program_configuration.signatories.add(signatory)
    credential = UserCredentialFactory(username=username, credential=program_configuration, status=status)
    return Awarded(credential, program_configuration, program, tuple(runs), tuple(course_credentials))


def course_credential(
    *,
    username="alice",
    site=None,
    course_title="Statistics for Data Science",
    certificate_type="verified",
    available=AVAILABLE,
    orgs=None,
    signatories=(),
    **configuration,
):
    site = site or default_site()
    course = CourseFactory(site=site, title=course_title)
    set_ordered(course, "owners", organizations(count=1, site=site) if orgs is None else orgs)
    run = CourseRunFactory(
        course=course,
        start_date=datetime(2025, 1, 13, tzinfo=UTC),
        end_date=datetime(2025, 4, 30, tzinfo=UTC),
    )
    course_configuration = CourseCertificateFactory(
        site=site,
        course_run=run,
        certificate_type=certificate_type,
        certificate_available_date=available,
        **configuration,
    )
    for signatory in signatories:
        course_configuration.signatories.add(signatory)
    credential = UserCredentialFactory(username=username, credential=course_configuration)
    return Awarded(credential, course_configuration, runs=(run,))


def cache_lms_user(username, name, **fields):
    """What a successful LMS lookup leaves in the cache (spec/integration.md §1.3)."""
    cache.set(user_data_cache_key(username), {"username": username, "name": name, **fields}, 600)
