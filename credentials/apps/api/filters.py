from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.constants import COURSE_RUN_TYPE, PROGRAM_TYPE, UserCredentialStatus

TRUE_VALUES = {"true", "1"}
STATUSES = [value for value, _ in UserCredentialStatus.CHOICES]


class CredentialFilterBackend(BaseFilterBackend):
    """Query parameters of GET /api/v2/credentials/ (spec/api.md §6.1), applied by credentials.api.

    A plain backend rather than a django-filter FilterSet: it parses five parameters without building a
    form on every request of the LMS dashboard's hottest call.
    """

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        status = params.get("status") or None
        if status is not None and status not in STATUSES:
            raise ValidationError({"status": [f"Select a valid choice. {status} is not one of the available choices."]})
        return credentials_api.filter_credentials(
            queryset,
            site=request.site,
            username=params.get("username") or None,
            status=status,
            credential_type=params.get("type"),
            program_uuid=params.get("program_uuid") or None,
            # false, or anything unparseable: no filtering
            only_visible=params.get("only_visible", "").lower() in TRUE_VALUES,
        )

    def get_schema_operation_parameters(self, view):
        def parameter(name, description, **schema):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string", **schema},
            }

        return [
            parameter("username", "The learner's username (a learner must give their own)."),
            parameter("status", "Only credentials in this status.", enum=STATUSES),
            parameter("type", f"{PROGRAM_TYPE} or {COURSE_RUN_TYPE}; other values are ignored."),
            parameter("program_uuid", "Credentials of this program, and course-run credentials in its runs."),
            parameter("only_visible", "true: only credentials the learner may see now."),
        ]
