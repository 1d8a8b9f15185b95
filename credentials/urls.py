from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from credentials.apps.api import urls as api_urls
from credentials.apps.core import views as core_views

admin.site.site_header = admin.site.site_title = "Credentials Administration"

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("auto_auth/", core_views.auto_auth, name="auto_auth"),
    path("admin/", admin.site.urls),
    path("api/", include("credentials.apps.api.urls")),
    path(
        "api/credentials/",
        include(([path("v1/", include((api_urls.credentials_v1_urlpatterns, "v1")))], "credentials_api")),
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api-docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
