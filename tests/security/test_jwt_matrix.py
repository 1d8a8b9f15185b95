"""Untrustworthy JWTs × every JWT-authenticated endpoint: each is refused with the right status (401, or 403 for a
restricted application's token) and no user is created or changed. Extends tests/core/test_jwt_authentication.py
(which keeps the single-endpoint cases and the accepted-token behaviour) to the whole API and to the cookie.

Every token below claims ``administrator: true``, an e-mail, a name and an LMS user id, so that a token accepted
by mistake would visibly promote or rewrite the user.
"""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group

from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.core.models import User
from tests.factories import UserFactory
from tests.jwt_helpers import claims, make_token

pytestmark = pytest.mark.django_db

HOSTILE_CLAIMS = {"administrator": True, "email": "mallory@evil.example", "name": "Mallory", "user_id": 666}
KID = "lms-key-1"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


LMS_KEY = rsa_key()  # the key in the configured JWK set
OTHER_KEY = rsa_key()  # a key nobody configured


def jwk_set(private_key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
    return json.dumps({"keys": [jwk]})


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header, payload, signature=b""):
    """A token assembled by hand: any header, any payload, any signature bytes."""
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature)])


def hmac_signed(header, payload, secret, digest="sha256"):
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}".encode()
    return signing_input.decode() + "." + b64(hmac.new(secret, signing_input, getattr(hashlib, digest)).digest())


def public_pem():
    return LMS_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def tampered(username):
    """A correctly signed token whose payload was changed afterwards (another username, administrator)."""
    header, _, signature = make_token("innocent", administrator=False).split(".")
    payload = b64(json.dumps(claims(username, **HOSTILE_CLAIMS)).encode())
    return f"{header}.{payload}.{signature}"


def now():
    return int(time.time())


# Each builder takes the username the token names and returns the token.
REJECTED = {
    "expired": lambda u: make_token(u, iat=now() - 600, exp=now() - 5, **HOSTILE_CLAIMS),
    "not yet valid (nbf)": lambda u: make_token(u, nbf=now() + 600, **HOSTILE_CLAIMS),
    "issued in the future (iat)": lambda u: make_token(u, iat=now() + 600, exp=now() + 900, **HOSTILE_CLAIMS),
    "wrong secret": lambda u: make_token(u, key="not-the-secret-but-32-bytes-long-xx", **HOSTILE_CLAIMS),
    "second issuer's secret": lambda u: make_token(u, key="other-secret-that-is-also-32-bytes-long", **HOSTILE_CLAIMS),
    "rs256 with a key not in the jwk set": lambda u: make_token(
        u, key=OTHER_KEY, algorithm="RS256", headers={"kid": KID}, **HOSTILE_CLAIMS
    ),
    "rs256 with no kid and a key not in the jwk set": lambda u: make_token(
        u, key=OTHER_KEY, algorithm="RS256", **HOSTILE_CLAIMS
    ),
    "alg none": lambda u: hand_made({"alg": "none", "typ": "JWT"}, claims(u, **HOSTILE_CLAIMS)),
    "alg None (capitalised)": lambda u: hand_made({"alg": "None", "typ": "JWT"}, claims(u, **HOSTILE_CLAIMS)),
    "alg missing": lambda u: hand_made({"typ": "JWT"}, claims(u, **HOSTILE_CLAIMS), b"sig"),
    "hs256 signed with the public key": lambda u: hmac_signed(
        {"alg": "HS256", "typ": "JWT", "kid": KID}, claims(u, **HOSTILE_CLAIMS), public_pem()
    ),
    "hs512 with the right secret (not an accepted algorithm)": lambda u: hmac_signed(
        {"alg": "HS512", "typ": "JWT"},
        claims(u, **HOSTILE_CLAIMS),
        b"test-jwt-secret-that-is-at-least-32-bytes",
        "sha512",
    ),
    "signature stripped": lambda u: make_token(u, **HOSTILE_CLAIMS).rsplit(".", 1)[0] + ".",
    "payload tampered after signing": tampered,
    "wrong issuer": lambda u: make_token(u, iss="https://evil.example/oauth2", **HOSTILE_CLAIMS),
    "wrong audience": lambda u: make_token(u, aud="someone-else", **HOSTILE_CLAIMS),
    "missing exp": lambda u: make_token(u, exp=..., **HOSTILE_CLAIMS),
    "missing iat": lambda u: make_token(u, iat=..., **HOSTILE_CLAIMS),
    "exp not a number": lambda u: make_token(u, exp="tomorrow", **HOSTILE_CLAIMS),
    "unsupported major version": lambda u: make_token(u, version="2.0.0", **HOSTILE_CLAIMS),
    "unparsable version": lambda u: make_token(u, version="x.y", **HOSTILE_CLAIMS),
    "malformed base64": lambda u: "eyJ!!!.@@@.###",
    "not a jwt": lambda u: "garbage",
    "two segments": lambda u: ".".join(make_token(u, **HOSTILE_CLAIMS).split(".")[:2]),
    "four segments": lambda u: make_token(u, **HOSTILE_CLAIMS) + ".extra",
    "header not json": lambda u: b64(b"not json") + "." + make_token(u).split(".", 1)[1],
    "oversized": lambda u: make_token(u, padding="x" * 10_000, **HOSTILE_CLAIMS),
    "no username claim": lambda u: make_token(u, preferred_username=..., **HOSTILE_CLAIMS),
    "username not a string": lambda u: make_token(u, preferred_username=["admin"], **HOSTILE_CLAIMS),
    "username over 150 characters": lambda u: make_token("m" * 151, **HOSTILE_CLAIMS),
}
# Correctly signed, but for a username that cannot be the session's.
SIGNED_FOR_ANOTHER_USER = {"username over 150 characters"}
RESTRICTED = {"restricted application (is_restricted)": lambda u: make_token(u, is_restricted=True, **HOSTILE_CLAIMS)}

# (method, path, body): every endpoint that accepts a JWT.
ENDPOINTS = [
    ("GET", "/api/v2/", None),
    ("GET", "/api/v2/credentials/?username={u}", None),
    ("POST", "/api/v2/credentials/", {"username": "{u}", "credential": {"program_uuid": "{program}"}}),
    ("DELETE", "/api/v2/credentials/{credential}/", None),
    ("POST", "/api/v2/grades/", {"username": "{u}", "course_run": "course-v1:a+b+c", "percent_grade": "0.5"}),
    ("POST", "/api/v2/course_certificates/", {"course_id": "course-v1:a+b+c", "certificate_type": "verified"}),
    ("POST", "/api/v2/replace_usernames/", {"username_mappings": [{"{u}": "renamed"}]}),
    ("POST", "/api/credentials/v1/learner_cert_status/", {"username": "{u}"}),
    ("POST", "/api/credentials/v1/bulk_learner_cert_status/", [{"username": "{u}"}]),
    ("GET", "/records/api/v1/program_records/", None),
    ("GET", "/records/api/v1/program_records/{program}/", None),
]


def snapshot():
    """Everything a token could change about users."""
    return {
        user.username: (
            user.is_staff,
            user.is_superuser,
            user.is_active,
            user.email,
            user.full_name,
            user.lms_user_id,
            sorted(user.groups.values_list("name", flat=True)),
        )
        for user in User.objects.prefetch_related("groups")
    }


@pytest.fixture
def world(site, settings):
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": jwk_set(LMS_KEY)}
    settings.USERNAME_REPLACEMENT_WORKER = "alice"  # a worker's token must be refused like any other
    settings.LEARNER_STATUS_WORKER = "alice"
    Group.objects.get_or_create(name=ADMINS_GROUP)
    UserFactory(username="alice", email="alice@example.com", full_name="Alice Kept", lms_user_id=7)
    from tests.factories import ProgramCertificateFactory, UserCredentialFactory

    certificate = ProgramCertificateFactory(site=site)
    credential = UserCredentialFactory(username="alice", credential=certificate)
    return {"program": str(certificate.program_uuid), "credential": str(credential.uuid)}


def fill(value, names):
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {fill(key, names): fill(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    return value


def send(client, method, path, body, names, **extra):
    path, body = fill(path, names), fill(body, names)
    request = getattr(client, method.lower())
    if body is None:
        return request(path, **extra)
    return request(path, json.dumps(body), content_type="application/json", **extra)


def refusals(client, world, token_for, expected_status):
    """Send the token to every endpoint, for an existing and a new username; the cells that went wrong."""
    wrong = []
    for username in ("alice", "mallory"):
        for method, path, body in ENDPOINTS:
            before = snapshot()
            token = token_for(username)
            response = send(client, method, path, body, {**world, "u": username}, HTTP_AUTHORIZATION=f"JWT {token}")
            cell = f"{method} {path} as {username}"
            if response.status_code != expected_status:
                wrong.append(f"{cell}: {response.status_code} {response.content[:200]!r}")
            elif expected_status == 401 and response["WWW-Authenticate"] != 'JWT realm="api"':
                wrong.append(f"{cell}: no JWT challenge")
            elif "detail" not in response.json():
                wrong.append(f"{cell}: no detail")
            if snapshot() != before:
                wrong.append(f"{cell}: users changed")
    return wrong


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_untrustworthy_header_tokens_get_401_on_every_endpoint_and_touch_no_user(client, world, case):
    assert refusals(client, world, REJECTED[case], 401) == []


def test_restricted_application_tokens_get_403_on_every_endpoint_and_touch_no_user(client, world):
    assert refusals(client, world, RESTRICTED["restricted application (is_restricted)"], 403) == []


def set_jwt_cookies(client, token):
    header_payload, _, signature = token.rpartition(".")
    client.cookies["edx-jwt-cookie-header-payload"] = header_payload
    client.cookies["edx-jwt-cookie-signature"] = signature or "x"


COOKIE_ENDPOINTS = [ENDPOINTS[0], ENDPOINTS[2], ENDPOINTS[9]]  # the front-ends' cookie calls: API and records


@pytest.mark.parametrize("endpoint", COOKIE_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in COOKIE_ENDPOINTS])
@pytest.mark.parametrize("case", sorted(REJECTED))
def test_untrustworthy_cookie_tokens_leave_the_caller_anonymous(client, world, case, endpoint):
    """A failed cookie token is forgiven (spec/api.md §2.1): the request is anonymous, so 401, and nothing changes."""
    before = snapshot()
    set_jwt_cookies(client, REJECTED[case]("alice"))
    method, path, body = endpoint

    response = send(client, method, path, body, {**world, "u": "alice"})

    assert response.status_code == 401, response.content[:300]
    assert snapshot() == before


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_an_untrustworthy_cookie_token_does_not_override_a_session(client, world, case):
    """With a session, the forgiven cookie leaves the session user in charge, unchanged (own list: 200)."""
    client.force_login(User.objects.get(username="alice"))
    before = snapshot()
    set_jwt_cookies(client, REJECTED[case]("alice"))

    response = client.get("/api/v2/credentials/", {"username": "alice"})

    if case in SIGNED_FOR_ANOTHER_USER:
        assert response.status_code == 401  # a valid cookie of another user than the session's (spec/api.md §2.1)
    else:
        assert response.status_code == 200
        assert [item["username"] for item in response.json()["results"]] == ["alice"]
    assert snapshot() == before


def test_the_matrix_covers_the_cases_of_the_issue():
    """expired, not yet valid, wrong secret, RS256 key not in the JWK set, alg none, HS256 signed with the public
    key, wrong iss, wrong aud, missing exp/iat, unsupported version, is_restricted, malformed base64, oversized."""
    required = {
        "expired",
        "not yet valid (nbf)",
        "wrong secret",
        "rs256 with a key not in the jwk set",
        "alg none",
        "hs256 signed with the public key",
        "wrong issuer",
        "wrong audience",
        "missing exp",
        "missing iat",
        "unsupported major version",
        "malformed base64",
        "oversized",
    }
    assert required <= set(REJECTED)
    assert "restricted application (is_restricted)" in RESTRICTED


def test_a_valid_token_with_the_same_claims_is_accepted_and_does_change_the_user(client, world):
    """The control: without the defect, the same hostile claims are applied, so the tests above can fail. (With
    alice's own LMS user id: a token of another LMS user id is another identity and is refused, DESIGN.md §5.16.)"""
    claims = {**HOSTILE_CLAIMS, "user_id": 7}
    response = client.get("/api/v2/", HTTP_AUTHORIZATION=f"JWT {make_token('alice', **claims)}")

    assert response.status_code == 200
    alice = User.objects.get(username="alice")
    assert (alice.is_staff, alice.email, alice.lms_user_id) == (True, "mallory@evil.example", 7)
    assert alice.groups.filter(name=ADMINS_GROUP).exists()


def test_an_rs256_token_signed_by_the_jwk_set_key_is_accepted(client, world):
    token = make_token("alice", key=LMS_KEY, algorithm="RS256", headers={"kid": KID})

    assert client.get("/api/v2/", HTTP_AUTHORIZATION=f"JWT {token}").status_code == 200
