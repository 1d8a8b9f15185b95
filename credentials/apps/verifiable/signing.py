"""Signing a document as a site's issuer (eddsa-rdfc-2022, assertionMethod)."""

from datetime import UTC

from django.utils import timezone

from credentials.apps.verifiable import dataintegrity, issuers, keys


def xsd_datetime(value):
    """UTC, whole seconds, ``Z``: the form VC 2.0 examples and every verifier accept."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_identity(issuer):
    """(DID, verification method id, private key) that sign for ``issuer`` now."""
    key, private_key = issuers.signing_key(issuer)
    return issuers.issuer_did(issuer, key), issuers.verification_method(issuer, key), private_key


def issuer_key_identity(issuer):
    """(IssuerKey, DID, verification method id, private key) that sign for ``issuer`` now."""
    key, private_key = issuers.signing_key(issuer)
    return key, issuers.issuer_did(issuer, key), issuers.verification_method(issuer, key), private_key


def sign_as(issuer, unsecured_document, *, verification_method, private_key, now=None):
    options = dataintegrity.proof_options(
        verification_method=verification_method, created=xsd_datetime(now or timezone.now())
    )
    return dataintegrity.sign(unsecured_document, options, private_key)


def list_identity(status_list):
    """(DID, verification method id, private key) that sign a status list: with did:key, the key its
    credentials were signed with (verifiers require the same issuer), while that key is still held here."""
    issuer = status_list.issuer
    key = status_list.key
    if key is not None and not issuer.did_web_host and key.encrypted_private_key:
        return (
            issuers.issuer_did(issuer, key),
            issuers.verification_method(issuer, key),
            keys.decrypt(key.encrypted_private_key),
        )
    return issuer_identity(issuer)
