import copy

import pytest

from tests.badges.fakes.accredible import FakeAccredible
from tests.badges.fakes.credly import FakeCredly

UNREACHABLE = "http://127.0.0.1:9/never/"  # the URL the settings do not select: any call there fails the test


def _badges_config(settings):
    config = copy.deepcopy(getattr(settings, "BADGES_CONFIG", {}) or {})
    config.setdefault("events", ["org.openedx.learning.course.passing.status.updated.v1"])
    return config


@pytest.fixture
def fake_credly(settings):
    """A running fake Credly that the settings' sandbox API base points at (settings/test.py: USE_SANDBOX)."""
    fake = FakeCredly(root="/sandbox/v1/").start()
    config = _badges_config(settings)
    config["credly"] = {
        **config.get("credly", {}),
        "CREDLY_BASE_URL": "https://credly.example/",
        "CREDLY_API_BASE_URL": UNREACHABLE,
        "CREDLY_SANDBOX_BASE_URL": "https://sandbox.credly.example/",
        "CREDLY_SANDBOX_API_BASE_URL": fake.api_base_url,
        "USE_SANDBOX": True,
    }
    settings.BADGES_CONFIG = config
    yield fake
    fake.stop()


@pytest.fixture
def fake_accredible(settings):
    """A running fake Accredible that the settings' sandbox API base points at."""
    fake = FakeAccredible(root="/sandbox/v1/").start()
    config = _badges_config(settings)
    config["accredible"] = {
        **config.get("accredible", {}),
        "ACCREDIBLE_BASE_URL": "https://dashboard.accredible.example/",
        "ACCREDIBLE_API_BASE_URL": UNREACHABLE,
        "ACCREDIBLE_SANDBOX_BASE_URL": "https://sandbox.dashboard.accredible.example/",
        "ACCREDIBLE_SANDBOX_API_BASE_URL": fake.api_base_url,
        "USE_SANDBOX": True,
    }
    settings.BADGES_CONFIG = config
    yield fake
    fake.stop()
