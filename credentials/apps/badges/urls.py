"""``/badges/`` (mounted only when BADGES_ENABLED, credentials/urls.py).

Routes: the Credly webhook ``credly/webhook/`` (name ``credly-webhook``, providers work), the public
achievement and badge pages and the learner progress API/page (local-issuer work).
"""

import uuid

from django.urls import include, path, register_converter

from credentials.apps.badges import views
from credentials.apps.badges.credly.webhook import CredlyWebhook

app_name = "badges"


class BadgeUUIDConverter:
    """32 lower-case hex digits (this service's form, spec/pages.md §0) or the hyphenated form events carry."""

    regex = "[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def to_python(self, value):
        return uuid.UUID(value)

    def to_url(self, value):
        return value.hex if isinstance(value, uuid.UUID) else str(value)


register_converter(BadgeUUIDConverter, "badge_uuid")

urlpatterns = [
    path("credly/webhook/", CredlyWebhook.as_view(), name="credly-webhook"),
    path("achievements/<badge_uuid:template_uuid>/", views.achievement, name="achievement"),
    path("credentials/<badge_uuid:badge_uuid>/", views.credential, name="credential"),
    path("credentials/<badge_uuid:badge_uuid>/credential.json", views.credential_json, name="credential-json"),
    path("progress/", views.progress_page, name="progress"),
    path("api/", include("credentials.apps.api.badges_urls")),
]
