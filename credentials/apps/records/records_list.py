"""The learner's records list and earned certificates (spec/models.md §6.2)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.text import slugify

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Program, ProgramCourseRun
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, UserCredential


def _names(organizations):
    return ", ".join(organization.name for organization in organizations)


def list_program_records(*, site, user):
    """The programs in the learner's records list (spec/models.md §6.2), ordered by title. Three queries.

    A program is listed once the learner holds an awarded, visible course certificate (configured on
    this site) in one of its runs; ``completed`` when they also hold its awarded, visible program one.
    """
    awarded = credentials_api.filter_visible(
        UserCredential.objects.filter(username=user.username, status=credentials_api.AWARDED)
    )
    earned_runs = CourseCertificate.objects.filter(
        site=site,
        course_run__isnull=False,
        pk__in=awarded.filter(credential_content_type=credentials_api.course_content_type()).values("credential_id"),
    ).values("course_run_id")
    programs = (
        Program.objects.filter(
            site=site,
            status__in=[Program.ACTIVE, Program.RETIRED],
            pk__in=ProgramCourseRun.objects.filter(course_run_id__in=earned_runs).values("program_id"),
        )
        .prefetch_related(catalog_api.prefetch_ordered(Program, "authoring_organizations"))
        .order_by("title", "id")
    )
    programs = list(programs)
    completed = set()
    if programs:
        completed = set(
            ProgramCertificate.objects.filter(
                site=site,
                pk__in=awarded.filter(credential_content_type=credentials_api.program_content_type()).values(
                    "credential_id"
                ),
            ).values_list("program_uuid", flat=True)
        )
    return [
        {
            "name": program.title,
            "uuid": program.uuid.hex,
            "type": slugify(program.type),
            "type_name": program.type,
            "partner": _names(catalog_api.get_ordered(program, "authoring_organizations")),
            "completed": program.uuid in completed,
            "empty": False,  # every listed program has an earned run (spec/models.md §6.2)
        }
        for program in programs
    ]


@dataclass(frozen=True)
class EarnedCredential:
    uuid: str
    title: str
    kind: str  # "program" or "course"
    type_name: str
    issued: datetime

    @property
    def url(self):
        return f"/credentials/{self.uuid}/"


def list_earned_credentials(*, site, username):
    """The learner's awarded, visible certificates on this site, programs and courses, newest first.

    Each is dated as its certificate page dates it: a program by its visible date, a course by its
    available date or award date. Three queries.
    """
    credentials = list(
        credentials_api.filter_visible(
            credentials_api.credentials_on_site(site).filter(username=username, status=credentials_api.AWARDED)
        )
    )
    program_type, course_type = credentials_api.program_content_type(), credentials_api.course_content_type()
    ids = {program_type.pk: set(), course_type.pk: set()}
    for credential in credentials:
        ids[credential.credential_content_type_id].add(credential.credential_id)
    programs = courses = {}
    if ids[program_type.pk]:
        programs = ProgramCertificate.objects.select_related("program").in_bulk(ids[program_type.pk])
    if ids[course_type.pk]:
        courses = CourseCertificate.objects.select_related("course_run__course").in_bulk(ids[course_type.pk])

    earned = []
    for credential in credentials:
        if credential.credential_content_type_id == program_type.pk:
            configuration = programs[credential.credential_id]
            program = configuration.program
            title = configuration.title or (program.title if program else str(configuration.program_uuid))
            earned.append(
                EarnedCredential(
                    uuid=credential.uuid.hex,
                    title=title,
                    kind="program",
                    type_name=program.type if program else "",
                    issued=credentials_api.program_visible_date(credential),
                )
            )
        else:
            configuration = courses[credential.credential_id]
            run = configuration.course_run
            title = configuration.title or (run.title if run else None) or configuration.course_id
            earned.append(
                EarnedCredential(
                    uuid=credential.uuid.hex,
                    title=title,
                    kind="course",
                    type_name=configuration.get_certificate_type_display(),
                    issued=credentials_api.course_visible_date(credential, configuration),
                )
            )
    earned.sort(key=lambda item: item.issued, reverse=True)
    return earned
