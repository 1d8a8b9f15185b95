"""GET /badges/api/v1/progress/: a learner's progress toward badges and the badges earned (spec/badges.md §12.5).

Authentication as the records API: JWT (header or the LMS's JWT cookies) or session. badges/api.py builds the
body; this view reads the query and checks who may see whose progress.
"""

import uuid

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from credentials.apps.badges import api as badges_api
from credentials.apps.badges import conf as badges_conf
from credentials.apps.verifiable import api as verifiable_api


class CanSeeOthersProgress(permissions.BasePermission):
    """``?username=`` (anyone's, even the caller's own) needs staff or superuser: 403 otherwise."""

    def has_permission(self, request, view):
        if "username" not in request.query_params:
            return True
        return bool(request.user.is_staff or request.user.is_superuser)


def _template_uuid(value):
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({"template_uuid": ["Must be a valid UUID."]}) from None


def _include_unstarted(value):
    value = (value or "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise ValidationError({"include_unstarted": ["Must be true or false."]})
    return value in ("true", "1")


class ProgressView(APIView):
    """The caller's progress toward the badges of this site, template by template: the share of requirement
    groups fulfilled (any requirement of a group fulfils it; every group is needed), each requirement with the
    time it was fulfilled, and the badge once earned. Staff may ask for another learner with ``username``."""

    permission_classes = [permissions.IsAuthenticated, CanSeeOthersProgress]

    def initial(self, request, *args, **kwargs):
        if not badges_conf.is_enabled():
            raise Http404("Badges are not enabled.")
        super().initial(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("username", str, description="Another learner's progress (staff only)."),
            OpenApiParameter("template_uuid", str, description="Only this badge template."),
            OpenApiParameter("include_unstarted", bool, description="true: also active templates not started."),
        ],
        responses={
            200: OpenApiResponse(
                description="{username, results: [{template, is_active, ratio, completed, groups, badge}]}"
            ),
            400: OpenApiResponse(description="template_uuid is not a UUID, or include_unstarted not true/false."),
            403: OpenApiResponse(description="username given by a caller who is not staff."),
        },
    )
    def get(self, request):
        query = badges_api.ProgressQuery(
            username=request.query_params.get("username") or request.user.username,
            template_uuid=_template_uuid(request.query_params.get("template_uuid")),
            include_unstarted=_include_unstarted(request.query_params.get("include_unstarted")),
        )
        body = badges_api.learner_progress(site=request.site, query=query, base_url=verifiable_api.base_url(request))
        return Response(body)
