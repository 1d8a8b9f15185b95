import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseNotFound, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty
from django.views.static import serve as static_serve

from credentials.apps.core import api
from credentials.apps.core.logging import bind_request_id, unbind_request_id


class CurrentSiteMiddleware:
    """Sets ``request.site`` from the request's host, falling back to SITE_ID (spec/models.md §1.2).

    Resolved lazily, so requests that never need the site (``/health/``) do not touch the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host = request.get_host()
        request.site = SimpleLazyObject(lambda: api.get_site_for_host(host))
        return self.get_response(request)


# --- Operations: request logging, health probes, media, database outages --------------------------------

request_log = logging.getLogger("credentials.request")
outage_log = logging.getLogger("credentials.outage")


def _username(request):
    """The authenticated user's username, without loading a user nobody asked for during the request."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    try:
        return user.get_username() if user.is_authenticated else None
    except Exception:  # a broken session or database must not break the log line
        return None


class RequestLoggingMiddleware:
    """One log line per request: method, path, status, duration, user and request id.

    The request id is the incoming ``X-Request-ID`` when it looks like one (a proxy or the LMS set it),
    else a new one; it is returned in the response's ``X-Request-ID``, carried by every log line written
    while the request is served, and available to outbound calls (``core.logging.get_request_id``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id, token = bind_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": _username(request),
                    "remote_addr": request.META.get("REMOTE_ADDR"),
                },
            )
            return response
        finally:
            unbind_request_id(token)


class HealthCheckMiddleware:
    """Answers ``/health/`` before host validation and the HTTPS redirect (spec/integration.md §6.7: any
    host), because load balancers and container probes call it by the container's address over HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/health/" and request.method in ("GET", "HEAD"):
            from credentials.apps.core.views import health

            return health(request)
        return self.get_response(request)


class MediaFilesMiddleware:
    """Serves uploads (signatory images) from MEDIA_ROOT at MEDIA_URL when ``SERVE_MEDIA`` is on: production
    with media on a local or shared directory and no other web server in front. Off for S3 media."""

    # Uploaded files are shown, never run: no scripts or plugins even if someone uploads an SVG or HTML file.
    CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

    def __init__(self, get_response):
        if not getattr(settings, "SERVE_MEDIA", False) or not settings.MEDIA_URL.startswith("/"):
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.prefix = settings.MEDIA_URL

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(self.prefix):
            try:
                response = static_serve(request, request.path[len(self.prefix) :], document_root=settings.MEDIA_ROOT)
            except Http404:
                # A plain 404: the site's 404 page needs request.site, which is set later in the chain (and a
                # missing image needs no page).
                response = HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")
            response["Content-Security-Policy"] = self.CONTENT_SECURITY_POLICY
            return response
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turns "the database cannot be reached" into 503 (JSON for API clients) instead of a 500 page.

    Nothing else is needed to recover: Django drops a connection that failed at the end of the request and,
    with CONN_HEALTH_CHECKS, checks a kept connection before reusing it, so the first request after the
    database is back gets a fresh connection.
    """

    RETRY_AFTER_SECONDS = 10
    DETAIL = "The service is temporarily unavailable: its database cannot be reached. Try again later."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        outage_log.error("Database unavailable while serving %s %s", request.method, request.path, exc_info=True)
        if "text/html" in request.headers.get("Accept", "") and "/api/" not in request.path:
            response = HttpResponse(
                "<!DOCTYPE html><html><head><title>Service unavailable</title></head>"
                f"<body><h1>Service unavailable</h1><p>{self.DETAIL}</p></body></html>",
                status=503,
            )
        else:
            response = JsonResponse({"detail": self.DETAIL}, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        patch_cache_control(response, no_cache=True, no_store=True, must_revalidate=True)
        return response
