"""Browser sign-in with the LMS (spec/integration.md §4.5), the LMS faked with `responses`."""

import json
import time
from urllib.parse import parse_qs, quote, urlsplit

import jwt
import pytest
import requests
import responses
from django.test import override_settings

from credentials.apps.catalog import api as catalog_api
from credentials.apps.core.models import User
from tests.factories import (
    CourseCertificateFactory,
    CourseRunFactory,
    ProgramFactory,
    UserCredentialFactory,
    UserFactory,
)

LMS = "https://test-provider"
AUTHORIZE_URL = f"{LMS}/oauth2/authorize"
TOKEN_URL = f"{LMS}/oauth2/access_token"

pytestmark = pytest.mark.django_db


def lms_access_token(**claims):
    """A JWT as the LMS returns it for token_type=jwt (signed with a key this service does not know)."""
    now = int(time.time())
    payload = {
        "iss": f"{LMS}/oauth2",
        "aud": "lms-key",
        "iat": now,
        "exp": now + 3600,
        "preferred_username": "newlearner",
        "email": "newlearner@example.com",
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "user_id": 4242,
        "administrator": False,
        "superuser": False,
        "locale": "en_GB",
        **claims,
    }
    return jwt.encode(payload, "a-secret-only-the-lms-has-0123456789", algorithm="HS256")


class FakeLms:
    """The LMS's authorize page (signs the browser in and redirects back) and its token endpoint."""

    def __init__(self, rsps, **claims):
        self.token_requests = []
        self.claims = claims
        rsps.add_callback(responses.GET, AUTHORIZE_URL, callback=self.authorize)
        rsps.add_callback(responses.POST, TOKEN_URL, callback=self.token)

    def authorize(self, request):
        query = parse_qs(urlsplit(request.url).query)
        callback = f"{query['redirect_uri'][0]}&state={query['state'][0]}&code=the-code"
        return 302, {"Location": callback}, ""

    def token(self, request):
        self.token_requests.append(parse_qs(request.body))
        body = {
            "access_token": lms_access_token(**self.claims),
            "token_type": "JWT",
            "expires_in": 36000,
            "refresh_token": "a-refresh-token",
            "scope": "user_id profile email",
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


def sign_in_through_lms(client, next_path="/records/"):
    """Play the browser: /login/ → /login/edx-oauth2/ → the LMS → /complete/edx-oauth2/. Returns the last response."""
    response = client.get(f"/login/?next={next_path}")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(f"{AUTHORIZE_URL}?")
    at_lms = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(at_lms.headers["Location"])
    assert callback.path == "/complete/edx-oauth2/"
    return client.get(f"{callback.path}?{callback.query}")


def test_login_redirects_to_the_sso_begin_keeping_next(client):
    response = client.get("/login/?next=/records/programs/abc/")

    assert response.status_code == 302
    assert response["Location"] == "/login/edx-oauth2/?next=/records/programs/abc/"


def test_sso_begin_sends_the_browser_to_the_lms_authorize_page(client, settings):
    settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = "https://lms.example.com"

    response = client.get("/login/edx-oauth2/?next=/records/")

    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://lms.example.com/oauth2/authorize"
    assert query["client_id"] == ["credentials-sso-key"]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["user_id profile email"]
    assert query["redirect_uri"][0].startswith("http://testserver/complete/edx-oauth2/?redirect_state=")
    assert query["state"][0] in query["redirect_uri"][0]


@responses.activate
def test_a_new_learner_signs_in_lands_on_their_record_and_sees_their_name(client, site):
    """The records page sends an anonymous visitor to /login/; after the LMS they land on it, signed in."""
    program = ProgramFactory(title="Data Science Foundations")
    course_run = CourseRunFactory()
    catalog_api.set_ordered(program, "course_runs", [course_run])
    UserCredentialFactory(username="newlearner", credential=CourseCertificateFactory(course_run=course_run))
    record_path = f"/records/programs/{program.uuid.hex}/"
    lms = FakeLms(responses.mock)

    to_login = client.get(record_path)
    assert to_login.status_code == 302
    assert to_login["Location"] == f"/login/?next={quote(record_path)}"
    response = sign_in_through_lms(client, next_path=quote(record_path))

    assert response.status_code == 302
    assert response["Location"] == record_path
    user = User.objects.get(username="newlearner")
    assert (user.email, user.full_name, user.first_name, user.last_name) == (
        "newlearner@example.com",
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    assert user.lms_user_id == 4242
    assert not user.is_staff and not user.is_superuser
    token_request = lms.token_requests[0]
    assert token_request["token_type"] == ["jwt"]
    assert token_request["code"] == ["the-code"]
    assert token_request["grant_type"] == ["authorization_code"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<p class="record-learner-name">Ada Lovelace</p>' in page.content.decode()
    assert "Data Science Foundations Record" in page.content.decode()


@responses.activate
def test_without_next_the_learner_lands_on_their_records(client, site):
    FakeLms(responses.mock)

    response = client.get("/login/edx-oauth2/")
    at_lms = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(at_lms.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 302
    assert response["Location"] == "/records/"


@responses.activate
def test_an_existing_user_is_reused_and_updated_but_keeps_their_staff_flags(client, site):
    existing = UserFactory(username="newlearner", email="old@example.com", full_name="Old Name", lms_user_id=None)
    existing.is_staff = True
    existing.save()
    FakeLms(responses.mock, administrator=False, superuser=True)

    response = sign_in_through_lms(client)

    assert response.status_code == 302
    assert User.objects.filter(username__startswith="newlearner").count() == 1
    existing.refresh_from_db()
    assert (existing.email, existing.full_name, existing.lms_user_id) == (
        "newlearner@example.com",
        "Ada Lovelace",
        4242,
    )
    assert existing.is_staff is True  # SSO never grants or revokes staff or superuser
    assert existing.is_superuser is False


@responses.activate
def test_signing_in_again_logs_out_the_current_user_first(client, site):
    client.force_login(UserFactory(username="someone_else"))
    FakeLms(responses.mock)

    sign_in_through_lms(client)

    assert client.get("/records/").wsgi_request.user.username == "newlearner"


@responses.activate
def test_an_inactive_local_account_gets_a_page_not_a_redirect_loop(client, site):
    UserFactory(username="newlearner", is_active=False)
    FakeLms(responses.mock)

    response = sign_in_through_lms(client)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/inactive/")
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "inactive" in page.content.decode()


def test_a_callback_without_a_matching_state_is_a_400_page_with_a_retry_link(client, site):
    response = client.get("/complete/edx-oauth2/?state=forged&code=x")

    assert response.status_code == 400
    body = response.content.decode()
    assert "We could not sign you in" in body
    assert 'href="/login/"' in body


def test_declining_at_the_lms_is_a_403_page_not_a_gateway_error(client, site):
    begin = client.get("/login/edx-oauth2/")
    state = parse_qs(urlsplit(begin["Location"]).query)["state"][0]

    response = client.get(f"/complete/edx-oauth2/?redirect_state={state}&state={state}&error=access_denied")

    assert response.status_code == 403
    assert "We could not sign you in" in response.content.decode()


@responses.activate
def test_an_lms_token_error_is_a_502_page(client, site):
    responses.add(responses.GET, AUTHORIZE_URL, status=302)
    responses.add(responses.POST, TOKEN_URL, json={"error": "server_error"}, status=500)
    begin = client.get("/login/edx-oauth2/")
    state = parse_qs(urlsplit(begin["Location"]).query)["state"][0]

    response = client.get(f"/complete/edx-oauth2/?redirect_state={state}&state={state}&code=x")

    assert response.status_code == 502
    assert "We could not sign you in" in response.content.decode()
    assert not User.objects.filter(username="newlearner").exists()


def test_logout_ends_the_session_and_goes_to_the_lms_logout(client, site):
    client.force_login(UserFactory())

    response = client.get("/logout/")

    assert response.status_code == 302
    assert response["Location"] == f"{LMS}/logout"
    assert "_auth_user_id" not in client.session


@override_settings(
    SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT="https://lms.example.com",
    SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_REDIRECT_URL="https://credentials.example.com/",
)
def test_logout_asks_the_lms_to_come_back_when_a_logout_redirect_url_is_set(client, site):
    response = client.get("/logout/")

    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://lms.example.com/logout"
    assert parse_qs(location.query) == {
        "client_id": ["credentials-sso-key"],
        "redirect_url": ["https://credentials.example.com/"],
    }


def test_logout_with_no_redirect_answers_an_empty_200_that_may_be_framed(client, site):
    client.force_login(UserFactory())

    response = client.get("/logout/?no_redirect=1")

    assert response.status_code == 200
    assert response.content == b""
    assert "X-Frame-Options" not in response
    assert "_auth_user_id" not in client.session


def test_api_auth_login_and_logout_are_mounted_for_the_browsable_api(client, site):
    assert client.get("/api-auth/login/?next=/api/v2/")["Location"] == "/login/edx-oauth2/?next=/api/v2/"
    assert client.get("/api-auth/logout/?no_redirect=1").status_code == 200


def test_the_admin_password_form_still_signs_in_local_superusers(client, site):
    admin = UserFactory(username="local_admin", is_staff=True, is_superuser=True)
    admin.set_password("s3cret-pass")
    admin.save()

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "local_admin", "password": "s3cret-pass", "next": "/admin/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@responses.activate
def test_next_pointing_to_another_host_is_ignored(client, site):
    FakeLms(responses.mock)

    response = sign_in_through_lms(client, next_path=quote("https://evil.example.com/phish", safe=""))

    assert response.status_code == 302
    assert response["Location"] == "/records/"


@pytest.mark.parametrize("path", ["/login/no-such-backend/", "/complete/no-such-backend/?state=x&code=y"])
def test_an_unknown_backend_is_a_404(client, site, path):
    assert client.get(path).status_code == 404


# --- No session row before the user is signed in (issue 14) -----------------------------------------------


def test_an_anonymous_visit_of_the_sign_in_link_stores_no_session(client, site):
    from django.contrib.sessions.models import Session

    for _ in range(5):
        response = client.get("/login/edx-oauth2/?next=/records/")
        assert response.status_code == 302

    assert Session.objects.count() == 0
    assert "credentials_sessionid" not in response.cookies
    state_cookie = response.cookies["credentials_sso_state"]
    assert state_cookie["httponly"] and state_cookie["samesite"] == "Lax"


@responses.activate
def test_the_callback_needs_the_browser_that_began_the_sign_in(client, site):
    """The state travels in this browser's signed cookie: another browser (no cookie) cannot complete it."""
    from django.test import Client

    FakeLms(responses.mock)
    begin = client.get("/login/edx-oauth2/")
    at_lms = requests.get(begin["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(at_lms.headers["Location"])

    other_browser = Client().get(f"{callback.path}?{callback.query}")

    assert other_browser.status_code == 400
    assert not User.objects.filter(username="newlearner").exists()


@responses.activate
def test_after_signing_in_the_state_cookie_is_gone_and_one_session_exists(client, site):
    from django.contrib.sessions.models import Session

    FakeLms(responses.mock)

    response = sign_in_through_lms(client)

    assert response.status_code == 302
    assert Session.objects.count() == 1
    assert response.cookies["credentials_sso_state"].value == ""
