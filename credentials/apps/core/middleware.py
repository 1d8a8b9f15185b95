import logging
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.views.static import serve as static_serve

from credentials.apps.core import analytics, api, db_errors, generations
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


class LocaleMiddleware:
    """Django's LocaleMiddleware for a project without language prefixes in its URLs (no ``i18n_patterns``):
    the language comes from the cookie or ``Accept-Language``, the response says which it is and varies on it.

    Django's own also reads a language from the path's first segment on the way in and out: "api" or
    "records" is looked up as a language code, and a code that is not one is not cached, so every request
    scanned LANGUAGES twice (a few % of a grade's CPU, issue 20) to find what no URL here has."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


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
            generations.forget_snapshot()  # good for this request only


def _with_analytics(policy, request, response):
    """A page's policy plus Segment's sources on a site with a Segment key. The site is the request's, or the
    host's for a page answered before CurrentSiteMiddleware (a cached certificate page); a failing lookup keeps
    the strict policy."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return policy
    try:
        site = getattr(request, "site", None) or api.get_site_for_host(request.get_host())
        return analytics.with_page_sources(policy, site)
    except Exception:
        return policy


class ContentSecurityPolicyMiddleware:
    """Sends CONTENT_SECURITY_POLICY on every response (pages, admin, API docs, errors) that has none of its own
    (uploads get a stricter one, MediaFilesMiddleware). The pages load scripts and styles only from files on
    this origin, with no inline code, so an injected ``<script>`` or ``style`` attribute does not run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            if type(getattr(response, "accepted_renderer", None)).__name__ == "BrowsableAPIRenderer":
                policy = settings.CONTENT_SECURITY_POLICY_BROWSABLE_API
            else:
                policy = _with_analytics(policy, request, response)
            report_only = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            response["Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"] = policy
        return response


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
    """Answers database errors for what they are (core/db_errors.py) instead of a 500 page.

    - The database cannot be reached: 503 (JSON for API clients) with Retry-After, logged as an outage. Nothing
      else is needed to recover: Django drops a connection that failed at the end of the request and, with
      CONN_HEALTH_CHECKS, checks a kept connection before reusing it.
    - A deadlock or lock wait that was not (or could not be) retried: 409, nothing saved, "retry".
    - An invalid regular expression in a lookup: 400; on an admin change list, the list again with a message.
    - Anything else is a bug: Django's 500, logged with its traceback.
    """

    RETRY_AFTER_SECONDS = 10
    DETAIL = "The service is temporarily unavailable: its database cannot be reached. Try again later."
    CONFLICT_DETAIL = (
        "Another request was changing the same data at the same moment; nothing was saved. Send the request again."
    )
    BAD_PATTERN_DETAIL = "Invalid regular expression in a filter."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = db_errors.classify(exception)
        if kind == db_errors.OUTAGE:
            outage_log.error("Database unavailable while serving %s %s", request.method, request.path, exc_info=True)
            response = self._answer(request, 503, "Service unavailable", self.DETAIL)
            response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        elif kind == db_errors.CONFLICT:
            outage_log.warning("Database conflict while serving %s %s: %s", request.method, request.path, exception)
            response = self._answer(request, 409, "Conflict", self.CONFLICT_DETAIL)
        elif kind == db_errors.BAD_PATTERN:
            if self._is_admin_list(request):
                return self._admin_list_without_regex(request)
            response = self._answer(request, 400, "Bad request", self.BAD_PATTERN_DETAIL)
        else:
            return None
        patch_cache_control(response, no_cache=True, no_store=True, must_revalidate=True)
        return response

    @staticmethod
    def _answer(request, status, title, detail):
        if "text/html" in request.headers.get("Accept", "") and "/api/" not in request.path:
            return HttpResponse(
                f"<!DOCTYPE html><html><head><title>{title}</title></head>"
                f"<body><h1>{title}</h1><p>{detail}</p></body></html>",
                status=status,
            )
        return JsonResponse({"detail": detail}, status=status)

    @staticmethod
    def _is_admin_list(request):
        return (
            request.method == "GET"
            and request.path.startswith(reverse("admin:index"))
            and any(key.endswith("regex") for key in request.GET)
        )

    @staticmethod
    def _admin_list_without_regex(request):
        """The change list again, without its regex filters, saying which pattern was refused (a form error)."""
        refused = {key: value for key, value in request.GET.items() if key.endswith("regex")}
        query = request.GET.copy()
        for key in refused:
            query.pop(key)
        patterns = ", ".join(f"{key}={value}" for key, value in refused.items())
        messages.error(request, f"Invalid regular expression in the filter ({patterns}); it was removed.")
        return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
