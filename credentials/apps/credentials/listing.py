"""Reading credentials: the site scope (DESIGN.md §5.2), the list filters of the API and the attributes."""

import uuid as uuid_module

from django.db import connection
from django.db.models import F, Func, Q, Value

from credentials.apps.catalog.models import ProgramCourseRun
from credentials.apps.credentials.constants import COURSE_RUN_TYPE, PROGRAM_TYPE
from credentials.apps.credentials.models import (
    CourseCertificate,
    ProgramCertificate,
    UserCredential,
    UserCredentialAttribute,
)
from credentials.apps.credentials.visibility import course_content_type, filter_visible, program_content_type


def credentials_on_site(site):
    """UserCredentials whose configuration (program or course) belongs to ``site`` (a Site, or a Param of its id).

    Joined through the generic relations (each join is restricted to its content type), so that
    with_configuration_fields() reads the configuration from the same joins.
    """
    return UserCredential.objects.filter(Q(program_credentials__site=site) | Q(course_credentials__site=site))


class _Binary(Func):
    """MySQL's BINARY(x): compares bytes, so case counts whatever the column's collation."""

    function = "BINARY"


def filter_username(queryset, username):
    """Rows of exactly this username, case included, on every database (README, "Usernames").

    SQLite and PostgreSQL compare case-sensitively already; MySQL's default collations ignore case, so
    there the indexed comparison is narrowed by a byte-wise one.
    """
    queryset = queryset.filter(username=username)
    if connection.vendor == "mysql":
        queryset = queryset.alias(username_bytes=_Binary("username")).filter(username_bytes=_Binary(Value(username)))
    return queryset


def filter_credentials(
    queryset, *, site, username=None, status=None, credential_type=None, program_uuid=None, only_visible=False
):
    """The list filters of spec/api.md §6.1, each applied only when given (AND-ed).

    ``credential_type`` is "program" or "course-run" (anything else: no filtering). ``program_uuid`` keeps
    the program's credentials and the course-run credentials in the program's runs on this site; a value
    that is not a UUID matches nothing. ``only_visible`` applies filter_visible().
    """
    if username:
        queryset = filter_username(queryset, username)
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
