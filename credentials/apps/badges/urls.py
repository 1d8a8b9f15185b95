"""``/badges/`` (mounted only when BADGES_ENABLED, credentials/urls.py).

Routes: the Credly webhook ``credly/webhook/`` (name ``credly-webhook``, providers work), the public
achievement and badge pages and the learner progress API/page (local-issuer work).
"""

from django.urls import path

from credentials.apps.badges.credly.webhook import CredlyWebhook

app_name = "badges"

urlpatterns = [
    path("credly/webhook/", CredlyWebhook.as_view(), name="credly-webhook"),
]
