from django.utils.functional import SimpleLazyObject

from credentials.apps.core import api


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
