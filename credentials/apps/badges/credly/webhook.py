"""``POST /badges/credly/webhook/`` (spec/badges.md §7, §12.2 #6): Credly's notice that one of its events
happened. No authentication: the event is fetched back from Credly, so a forged notice changes nothing.

Answers 204 once handled (an unknown event type included), 400 for a body without ``id`` and
``organization_id``, 404 for an organization this service does not know, 502 when Credly cannot be asked.
"""

import uuid

from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from credentials.apps.badges.credly.events import UnknownOrganization, handle_credly_event
from credentials.apps.badges.provider_client import BadgeProviderError


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


class CredlyWebhook(APIView):
    authentication_classes = []
    permission_classes = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        # Both are uuids at Credly; the event id goes into a Credly URL, so nothing else is let through.
        event_id, organization_id = _uuid(data.get("id")), _uuid(data.get("organization_id"))
        if event_id is None or organization_id is None:
            return Response({"detail": "id and organization_id are required."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            handle_credly_event(organization_id=organization_id, event_id=event_id, site=request.site)
        except UnknownOrganization:
            return Response({"detail": "Unknown Credly organization."}, status=status.HTTP_404_NOT_FOUND)
        except BadgeProviderError:
            return Response({"detail": "Credly could not be reached."}, status=status.HTTP_502_BAD_GATEWAY)
        return Response(status=status.HTTP_204_NO_CONTENT)
