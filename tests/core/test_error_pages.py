"""The site's 404 and 500 pages render for errors raised before CurrentSiteMiddleware set request.site."""

import pytest
from django.http import Http404
from django.test import Client

pytestmark = pytest.mark.django_db

EARLY = "tests.core.test_error_pages.FailEarlyMiddleware"


class FailEarlyMiddleware:
    """Stands for any middleware before the site's (host checks, static files, page cache) that gives up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/early-404/":
            raise Http404("gone before the site is known")
        if request.path == "/early-500/":
            raise RuntimeError("broken before the site is known")
        return self.get_response(request)


@pytest.fixture
def early_failures(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("credentials.apps.core.middleware.CurrentSiteMiddleware") - 1, EARLY)
    middleware.insert(1, EARLY)  # also before the session, locale and authentication middleware
    settings.MIDDLEWARE = middleware


@pytest.mark.parametrize("with_site", [True, False])
def test_an_early_404_renders_the_404_page(early_failures, request, with_site):
    if with_site:
        request.getfixturevalue("site")

    response = Client(raise_request_exception=False).get("/early-404/")

    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_an_early_500_renders_the_500_page(early_failures, site):
    response = Client(raise_request_exception=False).get("/early-500/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
