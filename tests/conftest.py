import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from credentials.apps.api.request_logging import forget_switch
from credentials.apps.core import api as core_api
from credentials.apps.core import generations
from tests.factories import SiteConfigurationFactory, default_site

# What a process remembers between requests; rows from earlier tests are rolled back without the signals
# that would make it forget them.
_PROCESS_MEMORY_RESETS = (cache.clear, core_api.clear_site_cache, forget_switch, generations.forget_snapshot)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts and ends with an empty cache, site cache, switch memo and no snapshot of generations."""
    for forget in _PROCESS_MEMORY_RESETS:
        forget()
    yield
    for forget in _PROCESS_MEMORY_RESETS:
        forget()


@pytest.fixture
def site(db):
    """The default site (SITE_ID), with a configuration."""
    site = default_site()
    site.domain = site.name = "testserver"
    site.save()
    SiteConfigurationFactory(site=site)
    return site


@pytest.fixture
def api_client():
    return APIClient()
