"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa v1.0, spec/verifiable.md §10.2).

Used for CLR 2.0 records: 1EdTech publishes no CLR context under a licence that lets us vendor it, and
eddsa-rdfc-2022 cannot canonicalise terms no vendored context defines, while JCS (RFC 8785) needs no
context at all. Same hashing order as rdfc (proof configuration first); the proof keeps ``@context``.
"""

import copy

import rfc8785
from cryptography.exceptions import InvalidSignature

from credentials.apps.verifiable import multikey
from credentials.apps.verifiable.dataintegrity import (
    DATA_INTEGRITY_PROOF,
    SIGNATURE_LENGTH,
    ProofError,
    hash_data,
    serialize_proof,
)

EDDSA_JCS_2022 = "eddsa-jcs-2022"


def canonicalize(value):
    """RFC 8785 JSON Canonicalization Scheme, as text."""
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofError(f"The document cannot be canonicalised (RFC 8785): {exc}") from None


def proof_configuration(proof_options, document_context):
    """vc-di-eddsa "Proof Configuration (eddsa-jcs-2022)": JCS of the options with the document's @context."""
    config = dict(proof_options)
    if document_context is not None:
        config["@context"] = document_context
    return canonicalize(config)


def create_proof(unsecured_document, options, private_key):
    options = {**options, "cryptosuite": EDDSA_JCS_2022}
    if "@context" in unsecured_document:
        options["@context"] = unsecured_document["@context"]
    canonical_config = proof_configuration(options, unsecured_document.get("@context"))
    data = hash_data(canonicalize(unsecured_document), canonical_config)
    return {**options, "proofValue": multikey.encode_base58btc(serialize_proof(data, private_key))}


def sign(unsecured_document, options, private_key):
    secured = copy.copy(unsecured_document)
    secured["proof"] = create_proof(unsecured_document, options, private_key)
    return secured


def verify_proof(secured_document, resolve_public_key):
    """vc-di-eddsa "Verify Proof (eddsa-jcs-2022)": the verification method, or ProofError."""
    proof = secured_document.get("proof") if isinstance(secured_document, dict) else None
    if not isinstance(proof, dict):
        raise ProofError("The document has no proof.")
    if proof.get("type") != DATA_INTEGRITY_PROOF or proof.get("cryptosuite") != EDDSA_JCS_2022:
        raise ProofError("Not an eddsa-jcs-2022 proof.")
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options and options["@context"] != unsecured.get("@context"):
        raise ProofError("The proof's @context is not the document's.")
    try:
        signature = multikey.decode_base58btc(proof.get("proofValue"))
    except multikey.KeyFormatError as exc:
        raise ProofError(f"The proof value is not valid: {exc}") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise ProofError("The proof value is not a 64-byte Ed25519 signature.")
    data = hash_data(canonicalize(unsecured), proof_configuration(options, unsecured.get("@context")))
    try:
        resolve_public_key(proof.get("verificationMethod", "")).verify(signature, data)
    except InvalidSignature:
        raise ProofError(
            "The signature does not match the document: it was changed or signed by another key."
        ) from None
    return proof["verificationMethod"]
