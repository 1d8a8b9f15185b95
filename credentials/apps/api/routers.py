"""The router of every DRF API prefix (spec/api.md §1 "Router extras"): an API root that lists the resources,
for any authenticated caller, and format-suffix variants (``….json``, ``?format=json|api``)."""

from rest_framework import permissions, routers


class APIRootView(routers.APIRootView):
    """The list of the API's resources; any authenticated caller may read it."""

    permission_classes = [permissions.IsAuthenticated]


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
