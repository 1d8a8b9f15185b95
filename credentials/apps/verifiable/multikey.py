"""Ed25519 keys as Multikey / multibase strings and did:key identifiers (vc-di-eddsa "Multikey", did:key).

Public key:  ``z`` + base58btc(0xed 0x01 ‖ 32-byte key)   →  ``z6Mk…``
Secret key:  ``z`` + base58btc(0x80 0x26 ‖ 32-byte seed)  →  ``z3u2…``
Any other multicodec header is rejected: a key of another algorithm must never be read as Ed25519.
"""

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_SECRET_HEADER = b"\x80\x26"
KEY_LENGTH = 32


class KeyFormatError(ValueError):
    """A multibase key or DID that is not an Ed25519 Multikey."""


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: the ``z`` prefix, then Bitcoin-alphabet base58."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise KeyFormatError("Not a base58btc multibase value (it must start with 'z').")
    try:
        return base58.b58decode(text[1:])
    except ValueError as exc:
        raise KeyFormatError(f"Not valid base58btc: {exc}") from None


def _decode_key(multibase: str, header: bytes, what: str) -> bytes:
    raw = decode_base58btc(multibase)
    if raw[:2] != header or len(raw) != 2 + KEY_LENGTH:
        raise KeyFormatError(f"Not an Ed25519 {what} Multikey (header {header.hex()} and 32 bytes expected).")
    return raw[2:]


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return encode_base58btc(ED25519_PUBLIC_HEADER + raw)


def public_key_from_multibase(multibase: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_decode_key(multibase, ED25519_PUBLIC_HEADER, "public"))


def seed_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def secret_key_multibase(private_key: Ed25519PrivateKey) -> str:
    return encode_base58btc(ED25519_SECRET_HEADER + seed_bytes(private_key))


def private_key_from_multibase(multibase: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_decode_key(multibase, ED25519_SECRET_HEADER, "secret"))


def did_key(public_key: Ed25519PublicKey) -> str:
    """did:key of an Ed25519 public key: ``did:key:`` + its public Multikey."""
    return "did:key:" + public_key_multibase(public_key)


def did_key_verification_method(public_key: Ed25519PublicKey) -> str:
    """The one verification method of a did:key document: ``did:key:<mb>#<mb>``."""
    multibase = public_key_multibase(public_key)
    return f"did:key:{multibase}#{multibase}"


def public_key_from_did_key(did: str) -> Ed25519PublicKey:
    """The Ed25519 key a ``did:key:z6Mk…`` (or one of its ``#…`` verification methods) stands for."""
    if not did.startswith("did:key:"):
        raise KeyFormatError("Not a did:key identifier.")
    did, _, fragment = did.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise KeyFormatError("A did:key verification method must be did:key:<key>#<key>.")
    return public_key_from_multibase(multibase)
