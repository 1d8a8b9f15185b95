import time

import jwt
import pytest
import requests
import responses
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from responses import matchers

from credentials.apps.core import clients
from credentials.apps.core.logging import bind_request_id, unbind_request_id

TOKEN_URL = "https://test-provider/oauth2/access_token"
API_URL = "https://lms.example.com/api/thing/"
CACHE_KEY = f"edx_rest_api_client.access_token.jwt.client_credentials.credentials-backend-service-key.{TOKEN_URL}"


@pytest.fixture(autouse=True)
def _no_retry_waits(settings):
    settings.BACKEND_SERVICE_RETRY_BACKOFF = 0


@pytest.fixture
def rsps():
    with responses.RequestsMock() as mock:
        yield mock


def _token_endpoint(rsps, token="token-1", expires_in=3600):
    return rsps.add(
        responses.POST,
        TOKEN_URL,
        json={"access_token": token, "expires_in": expires_in, "token_type": "JWT"},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "client_credentials",
                    "client_id": "credentials-backend-service-key",
                    "client_secret": "credentials-backend-service-secret",
                    "token_type": "jwt",
                }
            )
        ],
    )


@pytest.mark.parametrize(
    ("provider_url", "expected"),
    [
        ("https://lms.example.com/oauth2", "https://lms.example.com/oauth2/access_token"),
        ("https://lms.example.com/oauth2/", "https://lms.example.com/oauth2/access_token"),
        ("https://lms.example.com/oauth2/access_token", "https://lms.example.com/oauth2/access_token"),
        ("https://lms.example.com", "https://lms.example.com/oauth2/access_token"),
        ("http://127.0.0.1:8000/logout", "http://127.0.0.1:8000/logout/oauth2/access_token"),
    ],
)
def test_token_url_is_normalised_from_the_provider_url(provider_url, expected):
    assert clients.token_url(provider_url) == expected


def test_calls_carry_a_client_credentials_jwt_that_is_cached_for_every_client(rsps):
    token_call = _token_endpoint(rsps)
    api_call = rsps.add(responses.GET, API_URL, json={"ok": True})

    with clients.ServiceClient() as first:
        assert first.get_json(API_URL) == {"ok": True}
    with clients.ServiceClient() as second:
        assert second.get_json(API_URL) == {"ok": True}

    assert token_call.call_count == 1
    assert [call.request.headers["Authorization"] for call in rsps.calls if call.request.method == "GET"] == [
        "JWT token-1",
        "JWT token-1",
    ]
    assert api_call.call_count == 2
    token, expires_at = cache.get(CACHE_KEY)
    assert token == "token-1"
    assert expires_at == pytest.approx(time.time() + 3600, abs=5)


def test_a_token_about_to_expire_is_replaced(rsps, monkeypatch):
    _token_endpoint(rsps, token="old", expires_in=3600)
    rsps.add(responses.GET, API_URL, json={})
    with clients.ServiceClient() as client:
        client.get_json(API_URL)
    rsps.replace(responses.POST, TOKEN_URL, json={"access_token": "new", "expires_in": 3600})
    later = time.time() + 3600 - 4  # inside the 5-second margin
    monkeypatch.setattr(clients.time, "time", lambda: later)

    with clients.ServiceClient() as client:
        client.get_json(API_URL)

    assert rsps.calls[-1].request.headers["Authorization"] == "JWT new"


def test_a_failing_token_endpoint_is_one_service_error_and_no_retry(rsps):
    token_call = rsps.add(responses.POST, TOKEN_URL, status=500)

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError) as raised:
        client.get_json(API_URL)

    assert str(raised.value) == f"POST {TOKEN_URL} (LMS token) answered HTTP 500"
    assert token_call.call_count == 1


def test_a_token_answer_without_expiry_is_refused(rsps):
    rsps.add(responses.POST, TOKEN_URL, json={"access_token": "t"})

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError, match="without access_token"):
        client.get_json(API_URL)


def test_self_signed_mode_signs_the_legacy_claims_without_asking_the_lms(rsps, settings):
    settings.BACKEND_SERVICE_AUTH = "self-signed"
    settings.BACKEND_SERVICE_JWT_ISSUER = "https://credentials.example.com/oauth2"
    settings.BACKEND_SERVICE_JWT_AUDIENCE = "lms-audience"
    settings.BACKEND_SERVICE_JWT_SECRET_KEY = "a-shared-secret-of-at-least-32-bytes!"
    settings.BACKEND_SERVICE_JWT_EXPIRATION = 60
    rsps.add(responses.GET, API_URL, json={})

    with clients.ServiceClient() as client:
        client.get_json(API_URL)

    (call,) = rsps.calls  # no token request
    scheme, token = call.request.headers["Authorization"].split(" ")
    claims = jwt.decode(token, "a-shared-secret-of-at-least-32-bytes!", algorithms=["HS256"], audience="lms-audience")
    assert scheme == "JWT"
    assert claims["preferred_username"] == claims["username"] == settings.CREDENTIALS_SERVICE_USER
    assert claims["iss"] == "https://credentials.example.com/oauth2"
    assert claims["exp"] - claims["iat"] == 60


def test_self_signed_mode_without_a_secret_is_a_configuration_error(settings):
    settings.BACKEND_SERVICE_AUTH = "self-signed"
    settings.BACKEND_SERVICE_JWT_SECRET_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="BACKEND_SERVICE_JWT_SECRET_KEY"):
        clients.ServiceClient()


def test_an_unknown_auth_mode_is_a_configuration_error(settings):
    settings.BACKEND_SERVICE_AUTH = "basic"

    with pytest.raises(ImproperlyConfigured, match="BACKEND_SERVICE_AUTH"):
        clients.ServiceClient()


def test_every_call_has_the_configured_timeouts(rsps, settings):
    settings.BACKEND_SERVICE_CONNECT_TIMEOUT = 3.05
    settings.BACKEND_SERVICE_READ_TIMEOUT = 7
    _token_endpoint(rsps)
    rsps.add(responses.GET, API_URL, json={})

    with clients.ServiceClient() as client:
        client.get_json(API_URL)

    assert [call.request.req_kwargs["timeout"] for call in rsps.calls] == [(3.05, 7), (3.05, 7)]


def test_get_is_retried_on_connection_errors_429_and_5xx(rsps):
    _token_endpoint(rsps)
    rsps.add(responses.GET, API_URL, body=requests.ConnectionError("refused"))
    rsps.add(responses.GET, API_URL, body=requests.ReadTimeout("slow"))
    rsps.add(responses.GET, API_URL, status=429)
    rsps.add(responses.GET, API_URL, status=503)
    rsps.add(responses.GET, API_URL, json={"finally": True})

    with clients.ServiceClient() as client:
        client.retries = 4
        assert client.get_json(API_URL) == {"finally": True}

    assert len([call for call in rsps.calls if call.request.method == "GET"]) == 5


def test_retries_stop_after_the_configured_number(rsps, settings):
    settings.BACKEND_SERVICE_RETRIES = 2
    _token_endpoint(rsps)
    failing = rsps.add(responses.GET, API_URL, status=502)

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError) as raised:
        client.get_json(API_URL)

    assert failing.call_count == 3
    assert raised.value.status == 502
    assert str(raised.value) == f"GET {API_URL} answered HTTP 502 (after 3 attempts)"


def test_a_connection_error_that_persists_names_the_url(rsps, settings):
    settings.BACKEND_SERVICE_RETRIES = 1
    _token_endpoint(rsps)
    rsps.add(responses.GET, API_URL, body=requests.ConnectionError("refused"))

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError) as raised:
        client.get_json(API_URL)

    assert str(raised.value) == f"GET {API_URL} failed: could not connect (after 2 attempts)"


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(rsps, status):
    _token_endpoint(rsps)
    failing = rsps.add(responses.GET, API_URL, status=status)

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError) as raised:
        client.get_json(API_URL)

    assert failing.call_count == 1
    assert raised.value.status == status


def test_retries_back_off_exponentially_and_honour_retry_after(rsps, settings, monkeypatch):
    settings.BACKEND_SERVICE_RETRY_BACKOFF = 0.5
    waits = []
    monkeypatch.setattr(clients.time, "sleep", waits.append)
    _token_endpoint(rsps)
    rsps.add(responses.GET, API_URL, status=503)
    rsps.add(responses.GET, API_URL, status=503)
    rsps.add(responses.GET, API_URL, status=429, headers={"Retry-After": "7"})
    rsps.add(responses.GET, API_URL, json={})

    with clients.ServiceClient() as client:
        client.get_json(API_URL)

    assert waits == [0.5, 1.0, 7]


def test_a_body_that_is_not_json_is_a_service_error(rsps):
    _token_endpoint(rsps)
    rsps.add(responses.GET, API_URL, body="<html>maintenance</html>")

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError, match="not JSON"):
        client.get_json(API_URL)


def test_pages_are_read_by_number_until_next_is_null(rsps):
    _token_endpoint(rsps)
    for number, has_next in ((1, True), (2, True), (3, False)):
        rsps.add(
            responses.GET,
            API_URL,
            json={"count": 5, "next": "http://internal/next" if has_next else None, "results": [number]},
            match=[matchers.query_param_matcher({"page": str(number), "size": "2"})],
        )

    with clients.ServiceClient() as client:
        pages = list(client.iter_pages(API_URL, {"size": 2, "dropped": None}))

    assert [(page.number, page.results, page.count, page.has_next) for page in pages] == [
        (1, [1], 5, True),
        (2, [2], 5, True),
        (3, [3], 5, False),
    ]


def test_discovery_resources_are_joined_to_the_catalog_url_with_discovery_parameters(rsps):
    _token_endpoint(rsps)
    rsps.add(
        responses.GET,
        "https://discovery.example.com/api/v1/courses/",
        json={"count": 0, "next": None, "results": []},
        match=[matchers.query_param_matcher({"exclude_utm": "1", "page": "1", "include_hidden_course_runs": "1"})],
    )

    with clients.DiscoveryClient("https://discovery.example.com/api/v1") as client:
        pages = list(client.iter_resource("courses", include_hidden_course_runs=1))

    assert [page.results for page in pages] == [[]]


def test_without_retries_a_failure_is_reported_after_one_attempt(rsps, settings):
    settings.BACKEND_SERVICE_RETRIES = 0
    _token_endpoint(rsps)
    refused = rsps.add(responses.GET, API_URL, body=requests.ConnectionError("refused"))

    with clients.ServiceClient() as client, pytest.raises(clients.ServiceError) as raised:
        client.get_json(API_URL)

    assert refused.call_count == 1
    assert str(raised.value) == f"GET {API_URL} failed: could not connect"


def test_calls_made_while_serving_a_request_carry_its_request_id(rsps):
    _token_endpoint(rsps)
    rsps.add(responses.GET, API_URL, json={"ok": True})
    request_id, binding = bind_request_id("0123456789abcdef0123456789abcdef")
    try:
        with clients.ServiceClient() as client:
            client.get_json(API_URL)
    finally:
        unbind_request_id(binding)

    assert rsps.calls[-1].request.headers["X-Request-ID"] == request_id
