import pytest

from tests.analytics.fake_segment import FakeSegment


@pytest.fixture
def segment(settings):
    """A local fake of Segment's API, where the service sends its events (SEGMENT_HOST)."""
    fake = FakeSegment()
    settings.SEGMENT_HOST = fake.url
    settings.SEGMENT_MAX_RETRIES = 0
    yield fake
    fake.close()


@pytest.fixture
def segment_key(site):
    site.siteconfiguration.segment_key = "write-key-123"
    site.siteconfiguration.save()
    return "write-key-123"
