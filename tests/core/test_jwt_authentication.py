"""JWT authentication with edX semantics (spec/api.md §2, spec/integration.md §4.2-4.3)."""

import json
import threading
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.core.models import User
from tests.factories import UserFactory
from tests.jwt_helpers import auth_header, claims, make_token

API_ROOT = "/api/v2/"

pytestmark = pytest.mark.django_db


def get_root(client, token, prefix="JWT"):
    return client.get(API_ROOT, **auth_header(token, prefix))


def test_valid_token_authenticates_and_creates_the_user(api_client, site):
    response = get_root(api_client, make_token("alice", user_id=42, email="alice@example.org"))

    assert response.status_code == 200
    user = User.objects.get(username="alice")
    assert (user.email, user.lms_user_id, user.full_name) == ("alice@example.org", 42, "Alice Learner")
    assert not user.has_usable_password()


@pytest.mark.parametrize("prefix", ["JWT", "jwt", "Jwt"])
def test_header_prefix_is_case_insensitive(api_client, site, prefix):
    assert get_root(api_client, make_token(), prefix).status_code == 200


def test_bearer_prefix_is_not_accepted(api_client, site):
    response = get_root(api_client, make_token(), "Bearer")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    assert not User.objects.filter(username="alice").exists()


def test_no_credentials_is_401_with_jwt_challenge(api_client, site):
    response = api_client.get(API_ROOT)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    assert "detail" in response.json()


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk_set(private_key, kid):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": kid, "alg": "RS512", "use": "sig"})
    return json.dumps({"keys": [jwk]})


@pytest.fixture
def lms_rsa_key(settings):
    key = _rsa_key()
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": _jwk_set(key, "lms-1")}
    return key


@pytest.mark.parametrize("algorithm", ["RS256", "RS512"])
def test_asymmetric_token_signed_by_a_key_of_the_jwk_set_is_accepted(api_client, site, lms_rsa_key, algorithm):
    token = make_token(key=lms_rsa_key, algorithm=algorithm, headers={"kid": "lms-1"})

    assert get_root(api_client, token).status_code == 200


def _expired_claims():
    return {"iat": int(time.time()) - 600, "exp": int(time.time()) - 5}


REJECTED_TOKENS = {
    "expired": lambda key: make_token(**_expired_claims()),
    "not yet valid": lambda key: make_token(nbf=int(time.time()) + 600),
    "issued in the future": lambda key: make_token(iat=int(time.time()) + 600, exp=int(time.time()) + 900),
    "wrong secret": lambda key: make_token(key="not-the-secret-but-32-bytes-long-xx"),
    "second issuer's secret": lambda key: make_token(key="other-secret-that-is-also-32-bytes-long"),
    "alg none": lambda key: jwt.encode(
        {"preferred_username": "alice", "iss": "https://test-provider/oauth2"}, None, algorithm="none"
    ),
    "rs256 key not in the jwk set": lambda key: make_token(key=_rsa_key(), algorithm="RS256"),
    "hs256 signed with the public key": lambda key: _hmac_token_with_public_key(key),
    "unknown issuer": lambda key: make_token(iss="https://evil.example.com/oauth2"),
    "wrong audience": lambda key: make_token(aud="someone-else"),
    "missing exp": lambda key: make_token(exp=...),
    "missing iat": lambda key: make_token(iat=...),
    "unsupported major version": lambda key: make_token(version="2.0.0"),
    "garbage version": lambda key: make_token(version="x.y"),
    "malformed base64": lambda key: "abc.!!!.def",
    "not a jwt at all": lambda key: "garbage",
    "oversized": lambda key: make_token(padding="x" * 10000),
    "no username claim": lambda key: make_token(preferred_username=...),
}


def _hmac_token_with_public_key(private_key):
    """Algorithm confusion: an HS256 token whose HMAC secret is the server's public key."""
    import base64
    import hashlib
    import hmac

    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims("alice")).encode())
    signature = b64(hmac.new(public_pem, header + b"." + body, hashlib.sha256).digest())
    return (header + b"." + body + b"." + signature).decode()


@pytest.mark.parametrize("case", sorted(REJECTED_TOKENS))
def test_untrustworthy_tokens_get_401_and_create_no_user(api_client, site, lms_rsa_key, case):
    response = get_root(api_client, REJECTED_TOKENS[case](lms_rsa_key))

    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    assert "detail" in response.json()
    assert not User.objects.filter(username="alice").exists()


def test_expired_token_says_so(api_client, site):
    assert get_root(api_client, make_token(**_expired_claims())).json() == {"detail": "Token has expired."}


def test_missing_username_message(api_client, site):
    response = get_root(api_client, make_token(preferred_username=...))

    assert response.json() == {"detail": "JWT must include a preferred_username or username claim!"}


def test_username_claim_is_the_fallback(api_client, site, settings):
    payload = {**claims("bob", preferred_username=...), "username": "bob"}
    token = jwt.encode(payload, settings.JWT_AUTH["JWT_ISSUERS"][0]["SECRET_KEY"], algorithm="HS256")

    assert get_root(api_client, token).status_code == 200
    assert User.objects.filter(username="bob").exists()


def test_token_of_any_configured_issuer_is_accepted(api_client, site):
    assert get_root(api_client, make_token(iss="https://second-issuer/oauth2")).status_code == 200


def test_expiry_has_one_second_of_leeway(api_client, site):
    # Just after a second begins, so the token below expired a few ms ago and the request has most of the
    # leeway second to arrive (exp on a whole second taken late in one left it only milliseconds).
    time.sleep(1.02 - time.time() % 1)
    token = make_token(iat=int(time.time()) - 60, exp=int(time.time()))

    assert get_root(api_client, token).status_code == 200


def test_minor_version_above_supported_is_accepted(api_client, site):
    assert get_root(api_client, make_token(version="1.9.0")).status_code == 200


def test_empty_jwk_set_does_not_disable_signature_checks(api_client, site, settings):
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": '{"keys": []}'}

    assert get_root(api_client, make_token(key="any-secret-that-is-32-bytes-long-xxx")).status_code == 401


def test_restricted_application_token_is_forbidden_and_creates_no_user(api_client, site):
    response = get_root(api_client, make_token(is_restricted=True))

    assert response.status_code == 403
    assert not User.objects.filter(username="alice").exists()


# --- Copying claims onto the user ------------------------------------------------------------------


def test_administrator_claim_makes_staff_and_admins_member(api_client, site):
    get_root(api_client, make_token("worker", administrator=True))

    user = User.objects.get(username="worker")
    assert user.is_staff
    assert user.groups.filter(name=ADMINS_GROUP).exists()


def test_administrator_false_demotes_and_leaves_admins(api_client, site):
    get_root(api_client, make_token("worker", administrator=True))
    get_root(api_client, make_token("worker", administrator=False))

    user = User.objects.get(username="worker")
    assert not user.is_staff
    assert not user.groups.filter(name=ADMINS_GROUP).exists()


def test_absent_administrator_claim_keeps_staff_but_leaves_admins(api_client, site):
    get_root(api_client, make_token("worker", administrator=True))
    get_root(api_client, make_token("worker", administrator=...))

    user = User.objects.get(username="worker")
    assert user.is_staff
    assert not user.groups.filter(name=ADMINS_GROUP).exists()


def test_full_name_claim_wins_over_name(api_client, site):
    get_root(api_client, make_token("alice", full_name="Alice Full", name="Alice Short"))

    assert User.objects.get(username="alice").full_name == "Alice Full"


def test_null_claims_change_nothing(api_client, site):
    UserFactory(username="alice", email="kept@example.com", full_name="Kept Name", lms_user_id=7)

    get_root(api_client, make_token("alice", email=None, name=None, user_id=None))

    user = User.objects.get(username="alice")
    assert (user.email, user.full_name, user.lms_user_id) == ("kept@example.com", "Kept Name", 7)


def test_a_token_of_another_lms_user_id_is_refused_not_copied(api_client, site):
    """The account is linked to LMS user 7; a token naming alice with id 8 is another LMS identity (DESIGN.md
    §5.16), so it signs in as nobody instead of taking alice's account over."""
    UserFactory(username="alice", lms_user_id=7)

    response = get_root(api_client, make_token("alice", user_id=8))

    assert response.status_code == 401
    assert User.objects.get(username="alice").lms_user_id == 7


def test_a_linked_account_without_an_lms_user_id_gets_the_tokens(api_client, site):
    UserFactory(username="alice", lms_user_id=None)

    assert get_root(api_client, make_token("alice", user_id=8)).status_code == 200

    assert User.objects.get(username="alice").lms_user_id == 8


def test_unchanged_claims_do_not_write(api_client, site):
    token = make_token("alice", user_id=42)
    get_root(api_client, token)

    with CaptureQueriesContext(connection) as queries:
        assert get_root(api_client, token).status_code == 200

    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"UPDATE", "INSERT", "DELETE"}]
    assert writes == []


def test_inactive_local_user_still_authenticates(api_client, site):
    UserFactory(username="alice", is_active=False)

    assert get_root(api_client, make_token("alice")).status_code == 200


# --- Cookies -------------------------------------------------------------------------------------


def _set_jwt_cookies(client, token):
    header, payload, signature = token.split(".")
    client.cookies["edx-jwt-cookie-header-payload"] = f"{header}.{payload}"
    client.cookies["edx-jwt-cookie-signature"] = signature


def test_split_jwt_cookies_authenticate(api_client, site):
    _set_jwt_cookies(api_client, make_token("alice"))

    assert api_client.get(API_ROOT).status_code == 200


def test_one_cookie_alone_is_no_credential(api_client, site):
    api_client.cookies["edx-jwt-cookie-header-payload"] = make_token("alice").rsplit(".", 1)[0]

    assert api_client.get(API_ROOT).status_code == 401


def test_invalid_cookie_is_forgiven_when_a_session_exists(api_client, site):
    user = UserFactory(username="alice")
    api_client.force_login(user)
    _set_jwt_cookies(api_client, make_token("alice", key="wrong-secret-but-32-bytes-long-xxxx"))

    assert api_client.get(API_ROOT).status_code == 200


def test_cookie_of_another_user_than_the_session_is_refused(api_client, site):
    api_client.force_login(UserFactory(username="alice"))
    _set_jwt_cookies(api_client, make_token("mallory"))

    assert api_client.get(API_ROOT).status_code == 401


def test_failed_header_token_is_final_even_with_a_session(api_client, site):
    api_client.force_login(UserFactory(username="alice"))

    assert get_root(api_client, make_token("alice", key="wrong-secret-but-32-bytes-long-xxxx")).status_code == 401


# --- Concurrency -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_for_a_new_username_create_one_user(site):
    from rest_framework.test import APIClient

    token = make_token("newcomer", administrator=True)
    statuses, barrier = [], threading.Barrier(8)

    def first_request():
        from django.db import connections

        barrier.wait()
        statuses.append(APIClient().get(API_ROOT, **auth_header(token)).status_code)
        connections.close_all()

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 8
    assert User.objects.filter(username="newcomer").count() == 1
    assert User.objects.get(username="newcomer").groups.filter(name=ADMINS_GROUP).count() == 1
