"""Verification of edX JWTs (spec/api.md §2.2, spec/integration.md §4.2), on PyJWT.

Unlike upstream, a token is accepted only when its signature verifies against a configured key: an
empty JWK set never means "no check" (DESIGN.md §5.15). HS256 tokens are verified with the first
issuer's secret only, RS256/RS512 tokens with the keys of JWT_PUBLIC_SIGNING_JWK_SET only, so a token
signed with the public key as an HMAC secret (algorithm confusion) or with ``alg: none`` never verifies.
"""

import functools
import logging
import time

import jwt
from django.conf import settings

log = logging.getLogger(__name__)

SYMMETRIC_ALGORITHMS = ("HS256",)
ASYMMETRIC_ALGORITHMS = ("RS256", "RS512")
DEFAULT_VERSION = "1.0.0"


class InvalidToken(Exception):
    """The token must not be trusted; the message is safe to show to the caller."""


def issuers():
    """The configured issuers, falling back to the legacy single-issuer settings."""
    conf = settings.JWT_AUTH
    configured = conf.get("JWT_ISSUERS") or []
    if configured:
        return configured
    if conf.get("JWT_SECRET_KEY") and conf.get("JWT_ISSUER"):
        return [
            {"ISSUER": conf["JWT_ISSUER"], "AUDIENCE": conf.get("JWT_AUDIENCE"), "SECRET_KEY": conf["JWT_SECRET_KEY"]}
        ]
    return []


@functools.lru_cache(maxsize=8)
def _public_keys(jwk_set_json):
    try:
        jwk_set = jwt.PyJWKSet.from_json(jwk_set_json)
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, ValueError) as exc:
        log.error("JWT_PUBLIC_SIGNING_JWK_SET cannot be read: %s", exc)
        return ()
    return tuple(key for key in jwk_set.keys if key.key_type == "RSA")


def _verification_keys(algorithm, kid):
    if algorithm in SYMMETRIC_ALGORITHMS:
        secret = (issuers() or [{}])[0].get("SECRET_KEY")
        return [secret] if secret else []
    if algorithm in ASYMMETRIC_ALGORITHMS:
        jwk_set_json = settings.JWT_AUTH.get("JWT_PUBLIC_SIGNING_JWK_SET")
        keys = _public_keys(jwk_set_json) if jwk_set_json else ()
        matching = [key for key in keys if kid and key.key_id == kid]
        return [key.key for key in (matching or keys)]
    return []


def _major(version):
    return int(str(version).split(".")[0])


# Tokens verified in this process: a service user (the LMS's worker) sends the same token with each of its
# many calls until it expires, and checking its signature and claims again took a few % of each API write's
# CPU time (issue 20). A token is looked up by its whole text, signature included, so only the very token
# that passed is accepted; its expiry is checked again on every use, and a change of JWT_AUTH (a new
# settings object) forgets everything. Bounded: emptied when it holds MAX_VERIFIED tokens.
MAX_VERIFIED = 512
_verified = {}


def decode(token):
    """Verify ``token`` and return its payload, or raise InvalidToken."""
    conf = settings.JWT_AUTH
    entry = _verified.get(token)
    if entry is not None and entry[0] is conf:
        payload = entry[1]
        expiry = payload.get("exp")
        if conf.get("JWT_VERIFY_EXPIRATION", True) and expiry <= time.time() - conf.get("JWT_LEEWAY", 1):
            _verified.pop(token, None)
            raise InvalidToken("Token has expired.")
        return dict(payload)
    payload = _decode(token, conf)
    if len(_verified) >= MAX_VERIFIED:
        _verified.clear()
    _verified[token] = (conf, payload)
    return dict(payload)


def _decode(token, conf):
    if len(token) > conf.get("JWT_MAX_LENGTH", 8192):
        raise InvalidToken("Invalid token: it is too long.")
    configured_issuers = issuers()
    if not configured_issuers:
        log.error("No JWT issuer is configured (JWT_AUTH['JWT_ISSUERS']); every token is refused.")
        raise InvalidToken("Invalid token.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("Error decoding token.") from exc
    algorithm = header.get("alg")
    keys = _verification_keys(algorithm, header.get("kid"))
    if not keys:
        raise InvalidToken("Invalid token.")

    audience = configured_issuers[0].get("AUDIENCE") or None
    options = {
        "require": ["exp", "iat"],
        "verify_exp": conf.get("JWT_VERIFY_EXPIRATION", True),
        "verify_aud": audience is not None,
    }
    payload = None
    for key in keys:
        try:
            payload = jwt.decode(
                token, key, algorithms=[algorithm], audience=audience, leeway=conf.get("JWT_LEEWAY", 1), options=options
            )
            break
        except jwt.InvalidSignatureError:
            continue  # try the next key of the set
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("Token has expired.") from exc
        except jwt.PyJWTError as exc:
            log.info("JWT rejected: %s", exc)
            raise InvalidToken("Invalid token.") from exc
    if payload is None:
        raise InvalidToken("Invalid token.")

    if payload.get("iss") not in {issuer.get("ISSUER") for issuer in configured_issuers}:
        raise InvalidToken("Invalid token: not a valid issuer.")
    try:
        version_is_supported = _major(payload.get("version", DEFAULT_VERSION)) <= _major(
            conf.get("JWT_SUPPORTED_VERSION", "1.2.0")
        )
    except ValueError:
        version_is_supported = False
    if not version_is_supported:
        raise InvalidToken("Invalid token: unsupported version.")
    return payload


def username_from(payload):
    """The username a verified payload names, or raise InvalidToken."""
    username = payload.get("preferred_username") or payload.get("username")
    if not username or not isinstance(username, str):
        raise InvalidToken("JWT must include a preferred_username or username claim!")
    return username
