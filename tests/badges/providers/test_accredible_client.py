"""The Accredible client against the fake Accredible over real HTTP (spec/badges.md §8)."""

import datetime

import pytest

from credentials.apps.badges.accredible.client import AccredibleAPIClient
from credentials.apps.badges.provider_client import BadgeProviderError
from tests.badges.fakes.accredible import FakeAccredible

CREATED = datetime.datetime(2024, 6, 11, 17, 18, tzinfo=datetime.UTC)


@pytest.fixture
def issuer(fake_accredible):
    key = fake_accredible.add_issuer("acc-key")
    fake_accredible.add_group(key, 41, name="Data Science", design_id=7)
    return key


def test_groups_are_listed_with_bearer_auth_and_json_headers(fake_accredible, issuer):
    [group] = AccredibleAPIClient("acc-key").fetch_all_groups()

    assert (group.id, group.course_name, group.primary_design_id) == (41, "Data Science", 7)
    [request] = fake_accredible.requests
    assert (request.method, request.path) == ("GET", "/sandbox/v1/issuer/all_groups")
    assert request.headers["Authorization"] == "Bearer acc-key"
    assert request.headers["Accept"] == request.headers["Content-Type"] == "application/json"


def test_design_image_url(fake_accredible, issuer):
    assert AccredibleAPIClient("acc-key").fetch_design_image_url(7) == "https://images.accredible.example/design-7.png"
    assert fake_accredible.calls() == [("GET", "/sandbox/v1/designs/7")]


def test_issue_posts_a_complete_credential_and_answers_its_id(fake_accredible, issuer):
    credential_id = AccredibleAPIClient("acc-key").issue_credential(
        name="Ada Lovelace", email="ada@example.com", group_id=41, group_name="Data Science", issued_on=CREATED
    )

    [request] = fake_accredible.requests
    assert (request.method, request.path) == ("POST", "/sandbox/v1/credentials")
    assert request.body == {
        "credential": {
            "recipient": {"name": "Ada Lovelace", "email": "ada@example.com"},
            "group_id": 41,
            "name": "Data Science",
            "issued_on": "2024-06-11 17:18:00 +0000",
            "complete": True,
        }
    }
    assert fake_accredible.credentials[credential_id]["request"] == request.body


def test_expire_patches_an_aware_utc_expired_on(fake_accredible, issuer):
    client = AccredibleAPIClient("acc-key")
    credential_id = client.issue_credential(
        name="A", email="a@example.com", group_id=41, group_name="Data Science", issued_on=CREATED
    )

    client.expire_credential(credential_id, expired_on=CREATED + datetime.timedelta(days=1))

    request = fake_accredible.requests[-1]
    assert (request.method, request.path) == ("PATCH", f"/sandbox/v1/credentials/{credential_id}")
    assert request.body == {"credential": {"expired_on": "2024-06-12 17:18:00 +0000"}}


def test_a_wrong_key_is_a_provider_error(fake_accredible, issuer, caplog):
    with pytest.raises(BadgeProviderError, match=r"Status\(401\)") as raised:
        AccredibleAPIClient("other").fetch_all_groups()
    assert raised.value.status == 401
    assert "Error while processing Accredible request: 401 - " in caplog.text


def test_without_sandbox_the_production_api_base_is_used(settings):
    fake = FakeAccredible(root="/v1/").start()
    try:
        fake.add_issuer("k")
        settings.BADGES_CONFIG = {
            "accredible": {
                "ACCREDIBLE_API_BASE_URL": fake.api_base_url,
                "ACCREDIBLE_SANDBOX_API_BASE_URL": "http://127.0.0.1:9/sandbox/",
                "USE_SANDBOX": False,
            }
        }
        assert AccredibleAPIClient("k").fetch_all_groups() == []
    finally:
        fake.stop()
    assert fake.calls() == [("GET", "/v1/issuer/all_groups")]
