"""The public origin put in credentials and used to recognise this service's own status lists."""

from credentials.apps.verifiable import conf


def base_url(request):
    """PUBLIC_BASE_URL when set (it must never change once credentials are out), else the request's origin."""
    return (conf.get("PUBLIC_BASE_URL") or request.build_absolute_uri("/")).rstrip("/")
