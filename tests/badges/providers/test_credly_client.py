"""The Credly client against the fake Credly over real HTTP: exact paths, headers and bodies (spec/badges.md §6)."""

import base64
import datetime
import uuid

import pytest

from credentials.apps.badges.accredible.client import AccredibleAPIClient
from credentials.apps.badges.credly.client import CredlyAPIClient, CredlyError
from credentials.apps.badges.provider_client import BadgeProviderError, ProviderUnreachable
from tests.badges.fakes.credly import FakeCredly
from tests.badges.fakes.server import DISCONNECT

ISSUED_AT = datetime.datetime(2024, 6, 11, 17, 18, tzinfo=datetime.UTC)


@pytest.fixture
def org(fake_credly):
    return fake_credly.add_organization(name="Acme Badges", api_key="secret-key")


def test_requests_carry_json_headers_and_basic_auth_of_the_key_alone(fake_credly, org):
    assert CredlyAPIClient(org, "secret-key").fetch_organization_name() == "Acme Badges"

    [request] = fake_credly.requests
    assert (request.method, request.path) == ("GET", f"/sandbox/v1/organizations/{org}/")
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"secret-key").decode()
    assert request.body is None


def test_a_refusal_is_a_provider_error_with_credly_s_body_and_status(fake_credly, org, caplog):
    with pytest.raises(BadgeProviderError) as raised:
        CredlyAPIClient(org, "wrong-key").fetch_organization_name()

    assert raised.value.status == 401
    assert str(raised.value).endswith("Status(401)")
    assert "bad Authorization" in str(raised.value)
    assert "Error while processing Credly request: 401 - " in caplog.text


def test_without_sandbox_the_production_api_base_is_used(settings):
    fake = FakeCredly(root="/v1/").start()
    try:
        org = fake.add_organization(api_key="k")
        settings.BADGES_CONFIG = {
            "credly": {
                "CREDLY_API_BASE_URL": fake.api_base_url,
                "CREDLY_SANDBOX_API_BASE_URL": "http://127.0.0.1:9/sandbox/",
                "USE_SANDBOX": False,
            }
        }
        CredlyAPIClient(org, "k").fetch_organization_name()
    finally:
        fake.stop()
    assert fake.calls() == [("GET", f"/v1/organizations/{org}/")]


def test_templates_are_read_page_by_page_from_next_page_url(fake_credly, org):
    names = [f"T{number}" for number in range(5)]
    for name in names:
        fake_credly.add_template(org, name=name)
    fake_credly.add_template(org, name="Old", state="archived")

    templates = CredlyAPIClient(org, "secret-key").fetch_badge_templates()

    assert [t.name for t in templates] == names
    assert templates[0].image_url == "https://images.credly.example/T0.png"
    base = f"/sandbox/v1/organizations/{org}/badge_templates/?filter=state::active"
    assert fake_credly.calls() == [("GET", base), ("GET", f"{base}&page=2"), ("GET", f"{base}&page=3")]


def test_a_dropped_page_is_fetched_again(fake_credly, org):
    for number in range(3):
        fake_credly.add_template(org, name=f"T{number}")
    fake_credly.fail_next(DISCONNECT, path="page=2")

    templates = CredlyAPIClient(org, "secret-key").fetch_badge_templates()

    assert [t.name for t in templates] == ["T0", "T1", "T2"]
    assert [path[-6:] for _, path in fake_credly.calls()] == ["active", "page=2", "page=2"]


def test_a_page_that_never_answers_is_a_credly_error_after_four_tries(fake_credly, org):
    fake_credly.add_template(org)
    fake_credly.fail_next(DISCONNECT, times=4)
    client = CredlyAPIClient(org, "secret-key")
    client.retry_delays = (0, 0, 0)

    with pytest.raises(CredlyError, match="after 4 tries"):
        client.fetch_badge_templates()
    assert len(fake_credly.requests) == 4


def test_a_status_error_on_a_page_is_not_retried(fake_credly, org):
    fake_credly.fail_next(503)

    with pytest.raises(BadgeProviderError, match=r"Status\(503\)"):
        CredlyAPIClient(org, "secret-key").fetch_badge_templates()
    assert len(fake_credly.requests) == 1


def test_an_event_is_fetched_with_its_type_and_template(fake_credly, org):
    template = fake_credly.add_template(org, name="Made")
    event_id = fake_credly.add_event(org, "badge_template.created", template)

    event_type, fetched = CredlyAPIClient(org, "secret-key").fetch_event(event_id)

    assert event_type == "badge_template.created"
    assert (fetched.id, fetched.name, fetched.owner_id) == (template["id"], "Made", org)
    assert fake_credly.calls() == [("GET", f"/sandbox/v1/organizations/{org}/events/{event_id}/")]


def test_issue_posts_upstream_s_five_fields(fake_credly, org):
    template = fake_credly.add_template(org)

    issued = CredlyAPIClient(org, "secret-key").issue_badge(
        recipient_email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
        template_id=uuid.UUID(template["id"]),
        issued_at=ISSUED_AT,
    )

    assert issued.state == "pending"
    assert uuid.UUID(issued.id)
    [request] = fake_credly.requests
    assert (request.method, request.path) == ("POST", f"/sandbox/v1/organizations/{org}/badges/")
    assert request.body == {
        "recipient_email": "ada@example.com",
        "issued_to_first_name": "Ada",
        "issued_to_last_name": "Lovelace",
        "badge_template_id": template["id"],
        "issued_at": "2024-06-11 17:18:00 +0000",
    }


def test_revoke_puts_the_reason(fake_credly, org):
    template = fake_credly.add_template(org)
    client = CredlyAPIClient(org, "secret-key")
    issued = client.issue_badge(
        recipient_email="a@example.com", first_name="a", last_name="a", template_id=template["id"], issued_at=ISSUED_AT
    )

    assert client.revoke_badge(issued.id).state == "revoked"

    request = fake_credly.requests[-1]
    assert (request.method, request.path) == ("PUT", f"/sandbox/v1/organizations/{org}/badges/{issued.id}/revoke/")
    assert request.body == {"reason": "Open edX internal user credential was revoked"}
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"secret-key").decode()


def test_an_unreachable_credly_is_a_provider_error(settings):
    settings.BADGES_CONFIG = {"credly": {"CREDLY_API_BASE_URL": "http://127.0.0.1:9/v1/", "USE_SANDBOX": False}}

    with pytest.raises(ProviderUnreachable, match="connection failed"):
        CredlyAPIClient(str(uuid.uuid4()), "k").fetch_organization_name()


def test_urls_left_out_of_the_settings_are_the_defaults(settings):
    settings.BADGES_CONFIG = {"credly": {"USE_SANDBOX": True}, "accredible": {}}

    assert CredlyAPIClient("0e2a8c9e-3b1f-4a7e-8c5d-2f6b7a9d1e4f", "k").url("badges/") == (
        "https://sandbox-api.credly.com/v1/organizations/0e2a8c9e-3b1f-4a7e-8c5d-2f6b7a9d1e4f/badges/"
    )
    assert AccredibleAPIClient("k").url("credentials") == "https://api.accredible.com/v1/credentials"
