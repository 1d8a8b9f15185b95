import uuid

import django_filters
from django.db.models import Q

from credentials.apps.catalog.models import ProgramCourseRun
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.constants import COURSE_RUN_TYPE, PROGRAM_TYPE, UserCredentialStatus
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, UserCredential

TRUE_VALUES = {"true", "1"}
FALSE_VALUES = {"false", "0"}


class UserCredentialFilter(django_filters.FilterSet):
    """Query parameters of GET /api/v2/credentials/ (spec/api.md §6.1)."""

    username = django_filters.CharFilter(field_name="username")
    status = django_filters.ChoiceFilter(choices=UserCredentialStatus.CHOICES)
    type = django_filters.CharFilter(method="filter_type", help_text="program or course-run; other values are ignored.")
    program_uuid = django_filters.CharFilter(
        method="filter_program_uuid",
        help_text="Credentials of this program, and course-run credentials in its runs.",
    )
    only_visible = django_filters.CharFilter(
        method="filter_only_visible", help_text="true: only credentials the learner may see now."
    )

    class Meta:
        model = UserCredential
        fields = ["username", "status", "type", "program_uuid", "only_visible"]

    def filter_type(self, queryset, name, value):
        if value == PROGRAM_TYPE:
            return queryset.filter(credential_content_type=credentials_api.program_content_type())
        if value == COURSE_RUN_TYPE:
            return queryset.filter(credential_content_type=credentials_api.course_content_type())
        return queryset

    def filter_program_uuid(self, queryset, name, value):
        try:
            program_uuid = uuid.UUID(value)
        except ValueError:
            return queryset.none()
        site = self.request.site
        program_runs = ProgramCourseRun.objects.filter(program__site=site, program__uuid=program_uuid)
        return queryset.filter(
            Q(
                credential_content_type=credentials_api.program_content_type(),
                credential_id__in=ProgramCertificate.objects.filter(site=site, program_uuid=program_uuid).values("pk"),
            )
            | Q(
                credential_content_type=credentials_api.course_content_type(),
                credential_id__in=CourseCertificate.objects.filter(
                    course_run__in=program_runs.values("course_run_id")
                ).values("pk"),
            )
        )

    def filter_only_visible(self, queryset, name, value):
        if value.lower() in TRUE_VALUES:
            return credentials_api.filter_visible(queryset)
        return queryset  # false or unparseable: no filtering
