from django.urls import include, path

from credentials.apps.api import verify_views, views
from credentials.apps.api.routers import Router

app_name = "api"

v2_router = Router()
v2_router.register("credentials", views.CredentialViewSet, basename="credentials")
v2_router.register("grades", views.GradeViewSet, basename="grades")
v2_router.register("course_certificates", views.CourseCertificateViewSet, basename="course_certificates")

v2_urlpatterns = [
    *v2_router.urls,
    path("replace_usernames/", views.UsernameReplacementView.as_view(), name="replace_usernames"),
    path("verify/", verify_views.VerifyCredentialView.as_view(), name="verify"),
]

urlpatterns = [
    path("v2/", include((v2_urlpatterns, "v2"), namespace="v2")),
]

credentials_v1_urlpatterns = [
    path("learner_cert_status/", views.LearnerCertificateStatusView.as_view(), name="learner_cert_status"),
    path(
        "bulk_learner_cert_status/", views.BulkLearnerCertificateStatusView.as_view(), name="bulk_learner_cert_status"
    ),
]
