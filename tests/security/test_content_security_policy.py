"""Every response carries the Content-Security-Policy (issue 14); the browser tests (tests/e2e/
test_content_security_policy.py) check that the pages satisfy it."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/login/", "/credentials/example/", "/no-such-page/", "/health/", "/login/"])
def test_pages_errors_and_probes_carry_the_policy(client, site, settings, path):
    response = client.get(path)

    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_browsable_api_gets_its_own_policy_and_json_the_strict_one(client, site, settings):
    client.force_login(UserFactory(is_staff=True))

    html = client.get("/api/v2/", HTTP_ACCEPT="text/html")
    json_answer = client.get("/api/v2/", HTTP_ACCEPT="application/json")

    assert html["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY_BROWSABLE_API
    assert json_answer["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_report_only_mode_sends_the_report_only_header(client, site, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = True

    response = client.get("/admin/login/")

    assert response["Content-Security-Policy-Report-Only"] == settings.CONTENT_SECURITY_POLICY
    assert "Content-Security-Policy" not in response
