"""Settings of the verifiable app: ``settings.VERIFIABLE_CREDENTIALS`` (a dict), each key optional (README.md)."""

from django.conf import settings

# The Bitstring Status List minimum: 16 KB of bits, so that one entry does not identify its holder.
MIN_STATUS_LIST_LENGTH = 131072

DEFAULTS = {
    "ENABLED": True,  # off: no site serves verifiable credentials, whatever its Issuer row says
    "PUBLIC_BASE_URL": None,  # https origin put in credentials (no trailing slash); default: the request's
    "ISSUER_KEY_FILE": None,  # path of a file holding the issuer's secretKeyMultibase (z3u2…); default: DB
    "ISSUER_URL": None,  # issuer profile url; default: the site's homepage or LMS url
    "ISSUER_IMAGE": None,  # issuer profile image; default: settings.LOGO_URL_PNG
    "STATUS_LIST_LENGTH": MIN_STATUS_LIST_LENGTH,
    "STATUS_LIST_FILL_RATIO": 0.5,  # a list takes new entries until this share of it is used
    "STATUS_LIST_TTL": 300,  # seconds: Cache-Control max-age of a status list, and how stale it may be
    "INCLUDE_RECIPIENT_NAME": True,  # the learner's name as a plain IdentityObject
    "INCLUDE_HASHED_EMAIL": True,  # salted SHA-256 of the e-mail: the recipient when there is no wallet DID
    "CREDENTIAL_CACHE_TIMEOUT": 3600,  # seconds a signed credential.json is kept (it is also keyed by changes)
}


def get(name):
    value = getattr(settings, "VERIFIABLE_CREDENTIALS", {}).get(name, DEFAULTS[name])
    if name == "STATUS_LIST_LENGTH":
        return max(int(value), MIN_STATUS_LIST_LENGTH)
    return value
