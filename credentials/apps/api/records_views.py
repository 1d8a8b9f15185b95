"""The records JSON API for the Learner Record front-end (spec/api.md §11) and its CSRF token endpoint.

Authentication: JWT (header or the LMS's JWT cookies) or session. records/api.py builds every record.
"""

import uuid

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from credentials.apps.api import records_serializers as serializers
from credentials.apps.core import api as core_api
from credentials.apps.records import api as records_api


def is_public_request(request):
    return request.query_params.get("is_public", "").lower() == "true"


class IsPublic(permissions.BasePermission):
    """``?is_public=true`` lets anyone through; otherwise the caller must be authenticated (401)."""

    def has_permission(self, request, view):
        return is_public_request(request) or bool(request.user and request.user.is_authenticated)


class CanAccessProgramRecord(permissions.BasePermission):
    """Any ``?username=``, even the caller's own, needs staff or superuser (403, or 401 when anonymous)."""

    def has_permission(self, request, view):
        if "username" not in request.query_params:
            return True
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def _parse_uuid(value):
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return None


USERNAME = OpenApiParameter("username", str, description="Another learner's records (staff only).")
IS_PUBLIC = OpenApiParameter(
    "is_public", bool, description="true: the uuid is a shared record's; no login needed. Else a program uuid."
)
RECORD_UUID = OpenApiParameter(
    "uuid", str, OpenApiParameter.PATH, description="A program uuid, or with is_public=true a shared record's uuid."
)
EMPTY_404 = OpenApiResponse(description="Unknown learner, program or shared record (empty body).")


class ProgramRecordViewSet(viewsets.ViewSet):
    """A learner's program records list and one program record."""

    permission_classes = [IsPublic, CanAccessProgramRecord]
    lookup_field = "uuid"
    lookup_value_regex = "[^/.]+"  # as DRF's default: "….json" is a format suffix (spec/api.md §1)

    def initial(self, request, *args, **kwargs):
        # Records switched off on the site: 404 for everyone, API included (issue 5; upstream keeps the API).
        if not records_api.records_enabled(request.site):
            raise Http404("Learner records are not enabled on this site.")
        super().initial(request, *args, **kwargs)

    def _learner(self, request):
        """The caller, or the ``?username=`` learner (permission already checked); None when unknown."""
        username = request.query_params.get("username")
        if username is None:
            return request.user
        return core_api.get_user_by_username(username)

    @extend_schema(parameters=[USERNAME], responses={200: serializers.ProgramRecordListSerializer, 404: EMPTY_404})
    def list(self, request, format=None):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        learner = self._learner(request)
        if learner is None:
            return HttpResponse(status=404)
        programs = records_api.list_program_records(site=request.site, user=learner)
        return Response(serializers.ProgramRecordListSerializer({"enrolled_programs": programs}).data)

    @extend_schema(
        parameters=[RECORD_UUID, IS_PUBLIC, USERNAME],
        responses={200: serializers.ProgramRecordResponseSerializer, 404: EMPTY_404},
    )
    def retrieve(self, request, uuid=None, format=None):
        public = is_public_request(request)
        if public:
            shared = records_api.get_shared_record(_parse_uuid(uuid)) if _parse_uuid(uuid) else None
            if shared is None:
                return HttpResponse(status=404)
            learner, program_uuid = shared.user, shared.program.uuid
        else:
            learner, program_uuid = self._learner(request), _parse_uuid(uuid)
            if learner is None or program_uuid is None:
                return HttpResponse(status=404)  # upstream: 500 for a malformed uuid (DESIGN.md §5.1)
        record = records_api.build_program_record(site=request.site, user=learner, program_uuid=program_uuid)
        if record is None:
            return HttpResponse(status=404)  # upstream: 500 for a program not in the catalog
        configuration = core_api.get_site_configuration(request.site)
        body = {
            "record": record,
            "is_public": public,
            "uuid": uuid,
            "records_help_url": configuration.records_help_url if configuration else "",
        }
        # The builder already gives the exact shape ProgramRecordResponseSerializer documents; running the
        # serializer over it would cost this busy endpoint a third of its time and change nothing.
        return Response(body)


class CsrfTokenView(APIView):
    """`GET /csrf/api/v1/token` → {"csrfToken": ...}: front-ends send it back as X-CSRFToken on POSTs."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: serializers.CsrfTokenSerializer})
    def get(self, request):
        return Response({"csrfToken": get_token(request._request)})
