from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from credentials.apps.api import urls as api_urls
from credentials.apps.api.records_views import CsrfTokenView
from credentials.apps.core import sso
from credentials.apps.core import views as core_views
from credentials.apps.verifiable import portable_views
from credentials.apps.verifiable import urls as verifiable_urls
from credentials.apps.verifiable import views as verifiable_views
from credentials.views import home

admin.site.site_header = admin.site.site_title = "Credentials Administration"

# Sign-in with the LMS (core/sso.py), also under /api-auth/ for the browsable API's log in / log out links.
sign_in_urlpatterns = [
    path("login/", sso.login_redirect, name="login"),
    path("logout/", sso.logout_view, name="logout"),
]

urlpatterns = [
    path("", home, name="home"),
    path("health/", core_views.health, name="health"),
    # Tried right after /health/: the LMS's API calls are most requests, and every pattern tried before costs.
    path("api/", include("credentials.apps.api.urls")),
    path("auto_auth/", core_views.auto_auth, name="auto_auth"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("management/", core_views.management, name="management"),
    path("admin/", admin.site.urls),
    *sign_in_urlpatterns,
    # Before social-auth's own views: begin also answers GET, complete shows failures as a page.
    path("login/inactive/", sso.inactive_account, name="sso-inactive"),
    path("login/<str:backend>/", sso.begin, name="sso-begin"),
    path("complete/<str:backend>/", sso.complete, name="sso-complete"),
    path("", include("social_django.urls", namespace="social")),
    path("api-auth/", include((sign_in_urlpatterns, "rest_framework"))),
    path(
        "api/credentials/",
        include(([path("v1/", include((api_urls.credentials_v1_urlpatterns, "v1")))], "credentials_api")),
    ),
    path("records/", include("credentials.apps.records.urls")),
    path("csrf/api/v1/token", CsrfTokenView.as_view(), name="csrf_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from drf-spectacular-sidecar's static files; its init script from ?script, not inline.
    path(
        "api-docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("credentials/", include("credentials.apps.credentials.urls", namespace="credentials")),
    path(
        "credentials/<credential_uuid:credential_uuid>/credential.json",
        verifiable_views.credential_json,
        name="credential-json",
    ),
    *[
        path(f"credentials/<credential_uuid:credential_uuid>/{name}", view, name=url_name)
        for name, view, url_name in (
            ("certificate.pdf", portable_views.certificate_pdf, "certificate-pdf"),
            ("preview.png", portable_views.certificate_preview, "certificate-preview"),
            ("badge.png", portable_views.badge_png, "certificate-badge-png"),
            ("badge.svg", portable_views.badge_svg, "certificate-badge-svg"),
        )
    ],
    *verifiable_urls.urlpatterns,
    path("verifiable_credentials/api/v1/", include("credentials.apps.api.wallet_urls")),
]

# Badges' pages, API and the Credly webhook exist only while the feature is on (spec/badges.md §1).
if settings.BADGES_ENABLED:
    urlpatterns.append(path("badges/", include("credentials.apps.badges.urls", namespace="badges")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
