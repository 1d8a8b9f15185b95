"""Serves anonymous views of certificate pages from the page cache (certificate.PageCache).

It sits before the session, authentication, locale and CSRF middleware, as Django's own cache middleware
does: a cached view costs one indexed query, one cache round trip and none of that machinery. Requests with a session cookie (the
owner's and staff's banner) and everything else pass straight through.
"""

from credentials.apps.credentials.certificate import PageCache


class CertificatePageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page_cache = PageCache.for_request(request)
        if page_cache is None:
            return self.get_response(request)
        response = page_cache.lookup()
        if response is None:
            response = self.get_response(request)
            page_cache.store(response)
        return response
