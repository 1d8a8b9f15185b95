"""The badges JSON API for learners, mounted at /badges/api/ (namespace badges:api)."""

from django.urls import path

from credentials.apps.api import badges_views

app_name = "api"

urlpatterns = [path("v1/progress/", badges_views.ProgressView.as_view(), name="progress")]
