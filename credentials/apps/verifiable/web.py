"""The public origin put in credentials and used to recognise this service's own status lists."""

from credentials.apps.verifiable import conf


def base_url(request):
    """PUBLIC_BASE_URL when set (it must never change once credentials are out), else the request's origin."""
    return (conf.get("PUBLIC_BASE_URL") or request.build_absolute_uri("/")).rstrip("/")


def site_base_url(site):
    """The public origin without a request (event processing, commands): PUBLIC_BASE_URL, else https on the
    site's domain."""
    return (conf.get("PUBLIC_BASE_URL") or f"https://{site.domain}").rstrip("/")
