"""The learner's name on the certificate: from the LMS (spec/integration.md §1.3), never failing the page."""

import hashlib

import pytest
import requests
import responses
from django.core.cache import cache

from tests.credentials import builders
from tests.credentials.conftest import ACCOUNTS, VERIFIED_NAME, add_account, outbound_calls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CACHE_KEY = f"user.api.data.{hashlib.md5(b'alice').hexdigest()}"


def recipient(response):
    assert response.status_code == 200
    page = response.content.decode()
    return page.split('<strong class="accomplishment-recipient">')[1].split("</strong>")[0]


@pytest.fixture
def awarded(site):
    UserFactory(username="alice", full_name="Alice Local")
    return builders.program_credential(username="alice")


def test_name_comes_from_the_lms_account_asked_with_the_service_token(client, lms, awarded):
    add_account(lms, "alice", "Alice Lovelace")

    assert recipient(client.get(awarded.url)) == "Alice Lovelace"

    account, verified = outbound_calls(lms)
    assert account.request.url == f"{ACCOUNTS}alice"
    assert account.request.headers["Authorization"] == "JWT service-token"
    assert verified.request.url == f"{VERIFIED_NAME}?username=alice"
    assert all(call.request.req_kwargs["timeout"] for call in lms.calls)


def test_verified_name_is_printed_when_the_learner_chose_it(client, lms, awarded):
    add_account(lms, "alice", "Ali", verified={"verified_name": "Alice Verified", "use_verified_name_for_certs": True})
    client.force_login(UserFactory(username="alice"))

    page = client.get(awarded.url).content.decode()

    assert '<strong class="accomplishment-recipient">Alice Verified</strong>' in page
    assert "Congratulations, Ali!" in page  # the banner greets with the profile name


def test_verified_name_is_not_printed_unless_chosen(client, lms, awarded):
    add_account(lms, "alice", "Ali", verified={"verified_name": "Alice Verified", "use_verified_name_for_certs": False})

    assert recipient(client.get(awarded.url)) == "Ali"


def test_lms_answer_is_cached_so_the_next_view_makes_no_call(client, lms, awarded, settings):
    add_account(lms, "alice", "Alice Lovelace")
    client.get(awarded.url)
    calls = len(outbound_calls(lms))

    assert recipient(client.get(awarded.url)) == "Alice Lovelace"

    assert len(outbound_calls(lms)) == calls
    assert cache.get(CACHE_KEY) == {"username": "alice", "name": "Alice Lovelace"}


def test_name_affirmation_failure_keeps_the_account_name(client, lms, awarded):
    lms.add(responses.GET, f"{ACCOUNTS}alice", json={"username": "alice", "name": "Alice Lovelace"})
    lms.add(responses.GET, VERIFIED_NAME, status=500)

    assert recipient(client.get(awarded.url)) == "Alice Lovelace"
    assert cache.get(CACHE_KEY)["name"] == "Alice Lovelace"


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.ConnectionError("refused")},
        {"body": requests.ReadTimeout("read timed out")},
        {"status": 503},
        {"status": 404},
    ],
    ids=["unreachable", "timeout", "unavailable", "unknown-user"],
)
def test_lms_failure_renders_the_local_name_after_one_attempt(client, lms, awarded, failure):
    lms.add(responses.GET, f"{ACCOUNTS}alice", **failure)

    assert recipient(client.get(awarded.url)) == "Alice Local"

    assert len(outbound_calls(lms, ACCOUNTS)) == 1  # no retry while a person waits
    assert cache.get(CACHE_KEY) is None  # a failure is not remembered as the learner's data


def test_token_failure_renders_the_local_name(client, lms, awarded):
    lms.replace(responses.POST, "https://test-provider/oauth2/access_token", status=401)

    assert recipient(client.get(awarded.url)) == "Alice Local"
    assert outbound_calls(lms, ACCOUNTS) == []


def test_after_a_failure_the_lms_is_not_asked_again_at_once(client, lms, awarded):
    lms.add(responses.GET, f"{ACCOUNTS}alice", body=requests.ReadTimeout("read timed out"))
    client.get(awarded.url)

    assert recipient(client.get(awarded.url)) == "Alice Local"

    assert len(outbound_calls(lms, ACCOUNTS)) == 1


def test_learner_without_a_local_user_or_lms_name_is_named_by_username(client, lms, site):
    awarded = builders.program_credential(username="nobody_local")

    assert recipient(client.get(awarded.url)) == "nobody_local"


def test_empty_lms_name_falls_back_to_the_local_name(client, lms, awarded):
    add_account(lms, "alice", "")

    assert recipient(client.get(awarded.url)) == "Alice Local"


def test_misconfigured_outbound_auth_renders_the_local_name(client, lms, awarded, settings):
    settings.BACKEND_SERVICE_AUTH = "self-signed"
    settings.BACKEND_SERVICE_JWT_SECRET_KEY = ""

    assert recipient(client.get(awarded.url)) == "Alice Local"
    assert outbound_calls(lms) == []


def test_every_lms_call_of_a_lookup_fits_in_the_lookup_budget(client, lms, awarded, settings):
    settings.BACKEND_SERVICE_READ_TIMEOUT = 10
    settings.LMS_USER_LOOKUP_TIMEOUT = 2
    add_account(lms, "alice", "Alice Lovelace")

    client.get(awarded.url)

    assert len(lms.calls) == 3  # token, account, verified name
    assert all(max(call.request.req_kwargs["timeout"]) <= 2 for call in lms.calls)


def test_a_spent_budget_renders_the_local_name_without_calling_the_lms(client, lms, awarded, settings):
    settings.LMS_USER_LOOKUP_TIMEOUT = 0
    add_account(lms, "alice", "Alice Lovelace")

    assert recipient(client.get(awarded.url)) == "Alice Local"
    assert len(lms.calls) == 0
