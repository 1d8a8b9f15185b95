from django.urls import include, path
from rest_framework import permissions, routers


class APIRootView(routers.APIRootView):
    """The list of the API's resources; any authenticated caller may read it."""

    permission_classes = [permissions.IsAuthenticated]


class Router(routers.DefaultRouter):
    APIRootView = APIRootView


app_name = "api"
v2_router = Router()

urlpatterns = [
    path("v2/", include((v2_router.urls, "v2"), namespace="v2")),
]
