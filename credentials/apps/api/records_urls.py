"""The records JSON API for the Learner Record front-end, mounted at /records/api/ (namespace records:api)."""

from django.urls import include, path
from rest_framework import routers

from credentials.apps.api import records_views

app_name = "api"

v1_router = routers.SimpleRouter()
v1_router.register("program_records", records_views.ProgramRecordViewSet, basename="records")

urlpatterns = [path("v1/", include((v1_router.urls, "v1")))]
