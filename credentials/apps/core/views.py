from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
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
