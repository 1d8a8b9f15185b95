"""Minting JWTs the way the LMS does, for tests."""

import time

import jwt
from django.conf import settings


def claims(username="alice", **overrides):
    issuer = settings.JWT_AUTH["JWT_ISSUERS"][0]
    now = int(time.time())
    payload = {
        "iss": issuer["ISSUER"],
        "aud": issuer["AUDIENCE"],
        "iat": now,
        "exp": now + 300,
        "preferred_username": username,
        "sub": "anonymous-id",
        "version": "1.2.0",
        "scopes": ["email", "profile", "user_id"],
        "filters": [],
        "is_restricted": False,
        "email": f"{username}@example.com",
        "name": f"{username.title()} Learner",
        "administrator": False,
        "superuser": False,
    }
    payload.update(overrides)
    return {name: value for name, value in payload.items() if value is not ...}


def make_token(username="alice", *, key=None, algorithm="HS256", headers=None, **overrides):
    """A token signed with the first issuer's secret unless ``key`` says otherwise.

    Pass a claim as ``...`` (Ellipsis) to leave it out of the token.
    """
    key = settings.JWT_AUTH["JWT_ISSUERS"][0]["SECRET_KEY"] if key is None else key
    return jwt.encode(claims(username, **overrides), key, algorithm=algorithm, headers=headers)


def auth_header(token, prefix="JWT"):
    return {"HTTP_AUTHORIZATION": f"{prefix} {token}"}


def service_worker_header(username="lms_worker"):
    """What the LMS sends as its service worker: staff, hence in Admins."""
    return auth_header(make_token(username, administrator=True))
