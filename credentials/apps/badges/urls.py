"""``/badges/`` (mounted only when BADGES_ENABLED, credentials/urls.py).

Routes: the Credly webhook ``credly/webhook/`` (name ``credly-webhook``, providers work), the public
achievement and badge pages and the learner progress API/page (local-issuer work).
"""

app_name = "badges"

urlpatterns = []
