"""The learner's rows a program record reads, as queries compiled once per process (core_api.CompiledQuery).

A first view of a record (thousands of learners each opening theirs once) spent about half of its CPU having
the ORM build and compile these few queries; their rules stay here in ORM form and the SQL is reused.
"""

from django.db.models import CharField, DateTimeField, Exists, F, IntegerField, OuterRef, Subquery, UUIDField
from django.utils import timezone

from credentials.apps.catalog.models import Program
from credentials.apps.core.api import CompiledQuery, Param, ParamList
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import ProgramCertificate, UserCredential
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway, UserGrade

_USERNAME = Param("username", CharField())
_SITE_ID = Param("site_id", IntegerField())


def _learner_program_row():
    awarded = UserCredential.objects.filter(
        username=_USERNAME,
        status=credentials_api.AWARDED,
        program_credentials__program_uuid=OuterRef("uuid"),
        program_credentials__site=_SITE_ID,
    )
    shared = ProgramCertRecord.objects.filter(program=OuterRef("pk"), user=Param("user_id", IntegerField()))
    return (
        Program.objects.filter(pk=Param("program_id", IntegerField()))
        .annotate(awarded=Exists(awarded), shared_record_uuid=Subquery(shared.values("uuid")[:1]))
        .values("awarded", "shared_record_uuid")
        .order_by("pk")[:1]
    )


# Through the configurations' generic relations, whose joins embed the content type ids: hence the key.
_LEARNER_PROGRAM_ROW = CompiledQuery(_learner_program_row, key=credentials_api.content_type_ids)


def learner_program_row(*, site, user, program_id):
    """(whether the learner holds an awarded credential of this program on ``site``, their shared record's
    uuid or None); visibility is has_completed_program's to check."""
    row = _LEARNER_PROGRAM_ROW.first(username=user.username, site_id=site.pk, user_id=user.pk, program_id=program_id)
    return (row["awarded"], row["shared_record_uuid"]) if row else (False, None)


def _completed_program(*, visible_only):
    def build():
        credentials = UserCredential.objects.filter(
            username=_USERNAME,
            status=credentials_api.AWARDED,
            credential_content_type=credentials_api.program_content_type(),
            credential_id__in=ProgramCertificate.objects.filter(
                program_uuid=Param("program_uuid", UUIDField()), site=_SITE_ID
            ).values("pk"),
        )
        if visible_only:
            credentials = credentials_api.filter_visible(credentials, now=Param("now", DateTimeField()))
        return credentials.values("pk")[:1]

    return CompiledQuery(build, key=credentials_api.content_type_ids)


_COMPLETED = {visible_only: _completed_program(visible_only=visible_only) for visible_only in (False, True)}


def has_completed_program(username, program_uuid, *, site, visible_only=False):
    """An awarded program credential for this program uuid, configured on ``site``, exists; visible, if
    asked (spec/models.md §6.3, §6.5; the site scope is DESIGN.md §5.2)."""
    values = {"username": username, "program_uuid": program_uuid, "site_id": site.pk}
    if visible_only:
        values["now"] = timezone.now()
    return _COMPLETED[visible_only].first(**values) is not None


_COURSE_CREDENTIALS = CompiledQuery(
    lambda: (
        UserCredential.objects.filter(
            username=_USERNAME,
            course_credentials__course_id__in=ParamList("run_keys", CharField()),
            course_credentials__site=_SITE_ID,
        )
        .values(
            "status",
            "created",
            configuration_course_id=F("course_credentials__course_id"),
            course_available_date=F("course_credentials__certificate_available_date"),
            override_date=F("date_override__date"),
        )
        .order_by("id")
    ),
    key=credentials_api.content_type_ids,
)


def course_credentials(*, site, username, run_keys):
    """The learner's course credentials of any status whose configuration, on ``site``, is for one of these
    run keys, in id order: dicts of status, created, configuration_course_id, course_available_date and
    override_date."""
    return _COURSE_CREDENTIALS.rows(username=username, run_keys=list(run_keys), site_id=site.pk)


_VERIFIED_GRADES = CompiledQuery(
    lambda: (
        UserGrade.objects.filter(
            username=_USERNAME, course_run_id__in=ParamList("run_ids", IntegerField()), verified=True
        )
        .values("course_run_id", "percent_grade", "letter_grade", "modified")
        .order_by("id")
    )
)


def verified_grades(*, username, run_ids):
    """(course_run_id, percent_grade, letter_grade, modified) of the learner's verified grades in these runs,
    in id order."""
    rows = _VERIFIED_GRADES.rows(username=username, run_ids=list(run_ids))
    return [(row["course_run_id"], row["percent_grade"], row["letter_grade"], row["modified"]) for row in rows]


_SENT_PATHWAYS = CompiledQuery(
    lambda: UserCreditPathway.objects.filter(
        user=Param("user_id", IntegerField()),
        pathway_id__in=ParamList("pathway_ids", IntegerField()),
        status=UserCreditPathway.SENT,
    ).values("pathway_id")
)


def sent_pathway_ids(*, user, pathway_ids):
    """The ids among ``pathway_ids`` the learner has sent their record to."""
    return {row["pathway_id"] for row in _SENT_PATHWAYS.rows(user_id=user.pk, pathway_ids=list(pathway_ids))}
