"""Arranging learner records: a program of N courses, credentials and grades in its runs."""

from datetime import UTC, datetime

from credentials.apps.catalog import api as catalog_api
from credentials.apps.credentials.models import ProgramCertificate, UserCredentialDateOverride
from tests.factories import (
    CourseCertificateFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    ProgramCertificateFactory,
    ProgramFactory,
    UserCredentialFactory,
    UserGradeFactory,
)


def make_program(courses=2, *, site=None, title="Data Science", organization=None, **fields):
    """A program of ``courses`` courses with one run each, each run with a course certificate configuration.

    Returns (program, runs, configurations), in catalog order.
    """
    organization = organization or OrganizationFactory(name="MITx University")
    program = ProgramFactory(title=title, **({"site": site} if site else {}), **fields)
    runs, configurations = [], []
    for index in range(courses):
        course = CourseFactory(title=f"Course {index + 1}", **({"site": site} if site else {}))
        catalog_api.set_ordered(course, "owners", [organization])
        run = CourseRunFactory(course=course)
        runs.append(run)
        configurations.append(CourseCertificateFactory(course_run=run, site=program.site))
    catalog_api.set_ordered(program, "course_runs", runs)
    catalog_api.set_ordered(program, "authoring_organizations", [organization])
    return program, runs, configurations


def add_run(program, course, **fields):
    """Another run of ``course``, appended to the program, with its own certificate configuration."""
    run = CourseRunFactory(course=course, **fields)
    configuration = CourseCertificateFactory(course_run=run, site=program.site)
    catalog_api.set_ordered(program, "course_runs", [*catalog_api.get_ordered(program, "course_runs"), run])
    return run, configuration


def award(username, configuration, *, status="awarded", created=None, override=None):
    credential = UserCredentialFactory(username=username, credential=configuration, status=status)
    if created is not None:
        type(credential).objects.filter(pk=credential.pk).update(created=created)
        credential.refresh_from_db()
    if override is not None:
        UserCredentialDateOverride.objects.create(user_credential=credential, date=override)
    return credential


def grade(username, run, percent, letter="A", *, verified=True, modified=None):
    row = UserGradeFactory(
        username=username, course_run=run, percent_grade=percent, letter_grade=letter, verified=verified
    )
    if modified is not None:
        type(row).objects.filter(pk=row.pk).update(modified=modified)
        row.refresh_from_db()
    return row


def award_program(username, program, *, status="awarded"):
    configuration = ProgramCertificate.objects.filter(program=program).first() or ProgramCertificateFactory(
        program=program, site=program.site
    )
    return UserCredentialFactory(username=username, credential=configuration, status=status)


def at(year, month, day):
    return datetime(year, month, day, tzinfo=UTC)
