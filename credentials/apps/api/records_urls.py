"""The records JSON API for the Learner Record front-end, mounted at /records/api/ (namespace records:api)."""

from django.urls import include, path

from credentials.apps.api import records_views
from credentials.apps.api.routers import Router

app_name = "api"

v1_router = Router()  # API root at /records/api/v1/ and format suffixes, as upstream
v1_router.register("program_records", records_views.ProgramRecordViewSet, basename="records")

urlpatterns = [path("v1/", include((v1_router.urls, "v1")))]
