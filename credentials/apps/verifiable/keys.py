"""Issuer private keys: generated here, kept encrypted in the database or read from a key file.

Encryption: AES-256-GCM with a key derived (HKDF-SHA256) from SECRET_KEY, so a database dump alone does not
give away the signing key. SECRET_KEY_FALLBACKS are tried when decrypting, so SECRET_KEY can be rotated.
"""

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from credentials.apps.verifiable import conf, multikey

_FORMAT = "v1:"
_INFO = b"credentials verifiable issuer key"


class IssuerKeyError(Exception):
    """An issuer key cannot be read: wrong file, wrong SECRET_KEY, damaged value."""


def _aead(secret):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode("utf-8"))
    return AESGCM(key)


def generate():
    return Ed25519PrivateKey.generate()


def encrypt(private_key):
    nonce = os.urandom(12)
    sealed = _aead(settings.SECRET_KEY).encrypt(nonce, multikey.seed_bytes(private_key), None)
    return _FORMAT + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(value):
    if not value.startswith(_FORMAT):
        raise IssuerKeyError("Unknown format of a stored issuer key.")
    raw = base64.b64decode(value[len(_FORMAT) :])
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            seed = _aead(secret).decrypt(raw[:12], raw[12:], None)
        except Exception:  # noqa: BLE001 - InvalidTag: try the next secret
            continue
        return Ed25519PrivateKey.from_private_bytes(seed)
    raise IssuerKeyError("The stored issuer key cannot be decrypted with SECRET_KEY (or SECRET_KEY_FALLBACKS).")


def key_file_private_key():
    """The private key of ``ISSUER_KEY_FILE`` (a secretKeyMultibase, z3u2…), or None when none is configured."""
    path = conf.get("ISSUER_KEY_FILE")
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise IssuerKeyError(f"Cannot read the issuer key file {path}: {exc.strerror}") from None
    try:
        return multikey.private_key_from_multibase(text)
    except (multikey.KeyFormatError, ValueError):
        raise IssuerKeyError(
            f"The issuer key file {path} does not hold an Ed25519 secretKeyMultibase (z3u2…)."
        ) from None
