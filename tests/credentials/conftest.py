import re

import pytest
import responses

LMS = "https://lms.example.com"
TOKEN_URL = "https://test-provider/oauth2/access_token"
ACCOUNTS = f"{LMS}/api/user/v1/accounts/"
VERIFIED_NAME = f"{LMS}/api/edx_name_affirmation/v1/verified_name"


@pytest.fixture(autouse=True)
def lms():
    """Outbound HTTP faked in every test here: the LMS token endpoint answers; tests add the accounts they
    need. Any other URL raises ConnectionError, as an unreachable LMS would; nothing reaches the network.
    """
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, TOKEN_URL, json={"access_token": "service-token", "expires_in": 3600})
        yield mock


def add_account(mock, username, name, *, verified=None, status=200):
    """The LMS account of ``username``; ``verified`` is the name-affirmation answer (404 when None)."""
    mock.add(responses.GET, f"{ACCOUNTS}{username}", json={"username": username, "name": name}, status=status)
    if verified is None:
        mock.add(responses.GET, re.compile(re.escape(VERIFIED_NAME)), json={"detail": "not found"}, status=404)
    else:
        mock.add(responses.GET, re.compile(re.escape(VERIFIED_NAME)), json=verified)


def outbound_calls(mock, prefix=LMS):
    return [call for call in mock.calls if call.request.url.startswith(prefix)]
