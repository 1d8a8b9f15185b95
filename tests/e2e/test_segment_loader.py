"""The Segment loader in a browser (spec/pages.md §2.4): on a site with a segment_key, the page asks Segment's
CDN for analytics.js with the key, records the page view and tracks a marked click with its properties, all
within the page's Content-Security-Policy. Segment's CDN is stubbed: nothing leaves the machine."""

import pytest

from credentials.apps.core import api as core_api
from credentials.apps.core.models import SiteConfiguration
from credentials.apps.records.demo import load_demo_data
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = pytest.mark.django_db(transaction=True)

# Stands for analytics.js: it takes over window.analytics as the real library does, keeping the calls queued
# before it arrived, and records the calls made after.
FAKE_LIBRARY = """
window.__segmentCalls = Array.prototype.slice.call(window.analytics);
window.analytics = {
  page: function () { window.__segmentCalls.push(["page"]); },
  track: function (event, properties) { window.__segmentCalls.push(["track", event, properties]); }
};
"""


def test_a_site_with_a_key_loads_segment_and_tracks_a_share_click_within_its_policy(new_page, live_server):
    data = load_demo_data()
    SiteConfiguration.objects.update(segment_key="write-key-123")
    core_api.clear_site_cache()
    certificate = next(c for c in data["certificates"] if c.username == "alice")
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    asked = []

    def serve_library(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="application/javascript", body=FAKE_LIBRARY)

    page.context.route("https://cdn.segment.com/**", serve_library)
    page.context.route("https://www.linkedin.com/**", lambda route: route.fulfill(body="LinkedIn stub"))
    page.goto(f"{live_server.url}/auto_auth/?username=alice&staff=false&superuser=false&next=/health/")

    page.goto(f"{live_server.url}/credentials/{certificate.uuid.hex}/")
    page.wait_for_function("window.__segmentCalls !== undefined")
    with page.expect_popup():
        page.locator("#action-share-linkedin").click()

    assert asked == ["https://cdn.segment.com/analytics.js/v1/write-key-123/analytics.min.js"]
    assert page.evaluate("window.__segmentCalls") == [
        ["page"],
        [
            "track",
            "edx.bi.credentials.linkedin_share.attempted",
            {
                "category": "certificates",
                "credential-uuid": certificate.uuid.hex,
                "program-uuid": page.locator("#action-share-linkedin").get_attribute(
                    "data-track-event-property-program-uuid"
                ),
            },
        ],
    ]
    assert page.evaluate("window.__cspViolations") == []
