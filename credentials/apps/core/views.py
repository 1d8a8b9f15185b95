from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseGone, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from credentials.apps.core import api
from credentials.apps.core.constants import HealthStatus


@never_cache
def health(request):
    """200 when the database answers, 503 otherwise (spec/integration.md §6.7)."""
    status = HealthStatus.OK if api.database_is_available() else HealthStatus.UNAVAILABLE
    body = {"overall_status": status, "detailed_status": {"database_status": status}}
    return JsonResponse(body, status=200 if status == HealthStatus.OK else 503)


@never_cache
def auto_auth(request):
    """Create a throw-away user, sign it in and go to ``next`` (tests and acceptance only).

    By default the user is a superuser, as upstream; ``?username=alice&superuser=false&staff=false``
    signs in a plain learner instead, which the browser tests use.
    """
    if not settings.ENABLE_AUTO_AUTH:
        raise Http404
    flag = lambda name: request.GET.get(name, "true").lower() != "false"  # noqa: E731
    user = api.create_auto_auth_user(
        username=request.GET.get("username") or None, staff=flag("staff"), superuser=flag("superuser")
    )
    login(request, user, backend="credentials.apps.core.backends.ModelBackend")
    next_url = request.GET.get("next", "/")
    return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else "/")


def favicon(request):
    """301 to FAVICON_URL (spec/pages.md §6.6); 410 when none is configured."""
    if not settings.FAVICON_URL:
        return HttpResponseGone()
    return HttpResponsePermanentRedirect(settings.FAVICON_URL)


@login_required
@never_cache
def management(request):
    """The superusers' cache tool (spec/pages.md §6.4): POST action=clear_cache empties the default cache."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "clear_cache":
            api.clear_cache(by=request.user)
            messages.success(request, "Cache cleared.")
        else:
            messages.error(request, f"{action} is not a valid action.")
    return render(request, "management.html")
