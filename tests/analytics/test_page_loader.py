"""The pages' Segment loader (spec/pages.md §2.4) under the site's Content-Security-Policy: a static script
given the key by a data attribute, no inline code, and Segment's CDN allowed only when the site has a key."""

import re

import pytest

from tests.factories import ProgramCertificateFactory, ProgramCertRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

LOADER = '<script src="/static/js/analytics.js" data-segment-key="write-key-123" defer></script>'


def policy_sources(response, directive):
    policy = response["Content-Security-Policy"]
    return next(part.split()[1:] for part in policy.split(";") if part.split()[0] == directive)


@pytest.fixture
def pages(site):
    """A page of each kind: home, a public record, a 404."""
    program = ProgramCertificateFactory(site=site).program
    shared = ProgramCertRecordFactory(user=UserFactory(username="alice"), program=program)
    return ["/", f"/records/programs/shared/{shared.uuid.hex}/", "/no-such-page/"]


def test_with_a_key_every_page_loads_the_static_loader_and_its_policy_allows_segment(client, segment_key, pages):
    for path in pages:
        response = client.get(path)
        page = response.content.decode()

        assert LOADER in page, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), f"inline script on {path}"
        for directive in ("script-src", "connect-src"):
            assert "https://cdn.segment.com" in policy_sources(response, directive), (path, directive)
            assert "https://api.segment.io" in policy_sources(response, directive), (path, directive)
            assert "'self'" in policy_sources(response, directive)


def test_without_a_key_no_loader_and_no_segment_in_the_policy(client, site, pages):
    for path in pages:
        response = client.get(path)

        assert "analytics.js" not in response.content.decode()
        assert "segment" not in response["Content-Security-Policy"]


def test_the_api_keeps_its_own_policy(client, segment_key):
    response = client.get("/api/v2/credentials/", HTTP_ACCEPT="application/json")

    assert "segment" not in response["Content-Security-Policy"]


def test_a_key_with_markup_stays_an_attribute_value(client, site):
    site.siteconfiguration.segment_key = '"><script>alert(1)</script>'
    site.siteconfiguration.save()

    page = client.get("/").content.decode()

    assert 'data-segment-key="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<script>alert(1)" not in page


def test_a_certificate_page_served_from_the_page_cache_keeps_segment_in_its_policy(
    client, segment_key, django_assert_max_num_queries
):
    from tests.credentials import builders

    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "Alice Lovelace")
    rendered = client.get(awarded.url)

    with django_assert_max_num_queries(1):  # the page cache answers (certificate.PageCache)
        cached = client.get(awarded.url)

    for response in (rendered, cached):
        assert LOADER in response.content.decode()
        assert "https://cdn.segment.com" in policy_sources(response, "script-src")
