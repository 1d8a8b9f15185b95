"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa v1.0, spec/verifiable.md §10.1).

Each function is one step of the specification, named after its section, so each can be checked against the
W3C test vectors on its own: "Transformation" (RDFC-1.0 canonical N-Quads of the unsecured document),
"Proof Configuration" (the canonical proof options with the document's ``@context``), "Hashing" (SHA-256 of
each, proof configuration first), "Proof Serialization" (pure Ed25519 over the 64 bytes, multibase base58btc).
``Ed25519Signature2020`` differs only in the proof's ``type`` and the absence of ``cryptosuite``; it is verified
too because the Learner Credential Wallet signs its presentations with it.
"""

import copy
import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from pyld import jsonld

from credentials.apps.verifiable import multikey
from credentials.apps.verifiable.loader import default_loader

DATA_INTEGRITY_PROOF = "DataIntegrityProof"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"
ASSERTION_METHOD = "assertionMethod"
SIGNATURE_LENGTH = 64

# pyld keeps one process-wide, unlocked LRU cache of inverse contexts for compaction; threads take turns.
_compaction_lock = threading.Lock()


class ProofError(Exception):
    """A document cannot be signed, or a proof cannot be verified; the message says why in plain words."""


class UndefinedTermError(ProofError):
    """The document uses terms its contexts do not define: JSON-LD would drop them, leaving them unsigned."""


def canonicalize(document, *, loader=default_loader):
    """RDFC-1.0 canonical N-Quads (pyld names the algorithm URDNA2015; the output is the same)."""
    try:
        return jsonld.normalize(document, loader.options(algorithm="URDNA2015", format="application/n-quads"))
    except jsonld.JsonLdError as exc:
        raise ProofError(f"The document is not valid JSON-LD: {_jsonld_reason(exc)}") from None


def _jsonld_reason(exc):
    """The innermost pyld message (pyld wraps a loader failure in several layers)."""
    while exc.__cause__ is not None or getattr(exc, "cause", None) is not None:
        exc = exc.__cause__ or exc.cause
    message = exc.args[0] if exc.args else str(exc)
    return (message[0] if isinstance(message, tuple) and message else str(message)).split("\n", 1)[0]


# Aliases of @id and @type in every VC context. Not counted: compaction turns a node with only an id into the
# plain IRI string, which is no loss.
_KEYWORD_ALIASES = {"id", "type"}


def _key_counts(value, counts):
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "@context":
                if not key.startswith("@") and key not in _KEYWORD_ALIASES:
                    counts[key] += 1
                _key_counts(item, counts)
    elif isinstance(value, list):
        for item in value:
            _key_counts(item, counts)
    return counts


def _relative_iris(expanded, found):
    """@id and @type values of the expanded document that are not absolute IRIs or blank nodes."""
    if isinstance(expanded, list):
        for item in expanded:
            _relative_iris(item, found)
    elif isinstance(expanded, dict):
        for key, item in expanded.items():
            if key in ("@id", "@type"):
                for iri in item if isinstance(item, list) else [item]:
                    if isinstance(iri, str) and not (iri.startswith("_:") or ":" in iri):
                        found.add(iri)
            elif key != "@value":
                _relative_iris(item, found)
    return found


def check_defined_terms(document, *, loader=default_loader):
    """Safe mode (spec/verifiable.md §10.4): every property must survive expansion and compaction.

    pyld silently drops a property no context defines; signed, it would be left out of the signature and could
    be changed at will. Expand, compact back with the document's own context, and compare the keys.
    """
    try:
        expanded = jsonld.expand(document, loader.options())
        with _compaction_lock:
            compacted = jsonld.compact(expanded, {"@context": document.get("@context")}, loader.options())
    except jsonld.JsonLdError as exc:
        raise ProofError(f"The document is not valid JSON-LD: {_jsonld_reason(exc)}") from None
    dropped = _key_counts(document, Counter()) - _key_counts(compacted, Counter())
    if dropped:
        raise UndefinedTermError("Undefined term(s): " + ", ".join(sorted(dropped)))
    relative = _relative_iris(expanded, set())
    if relative:
        raise UndefinedTermError("Relative IRI(s) where an absolute one is needed: " + ", ".join(sorted(relative)))


def transform(unsecured_document, *, loader=default_loader):
    """vc-di-eddsa "Transformation (eddsa-rdfc-2022)": the canonical N-Quads of the document without proof."""
    return canonicalize(unsecured_document, loader=loader)


def proof_configuration(proof_options, document_context, *, loader=default_loader):
    """vc-di-eddsa "Proof Configuration (eddsa-rdfc-2022)": the proof options, given the document's
    ``@context``, in canonical N-Quads. ``created`` must be an XSD dateTime when present."""
    if "created" in proof_options:
        _parse_datetime(proof_options["created"], "created")
    config = {"@context": document_context, **proof_options}
    return canonicalize(config, loader=loader)


def hash_data(transformed_document, canonical_proof_config):
    """vc-di-eddsa "Hashing (eddsa-rdfc-2022)": SHA-256(proof configuration) ‖ SHA-256(document), 64 bytes."""
    proof_hash = hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
    document_hash = hashlib.sha256(transformed_document.encode("utf-8")).digest()
    return proof_hash + document_hash


def serialize_proof(data, private_key):
    """vc-di-eddsa "Proof Serialization (eddsa-rdfc-2022)": a pure Ed25519 signature of the hash data."""
    return private_key.sign(data)


def _parse_datetime(value, name):
    try:
        if not isinstance(value, str) or "T" not in value:
            raise ValueError
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProofError(f"The proof's {name} is not a date and time ({value!r}).") from None
    if parsed.tzinfo is None:
        raise ProofError(f"The proof's {name} has no time zone ({value!r}).")
    return parsed


def proof_options(*, verification_method, created, proof_purpose=ASSERTION_METHOD, challenge=None, domain=None):
    """The options of a new eddsa-rdfc-2022 proof; ``created`` is an XSD dateTime string (UTC, seconds)."""
    options = {
        "type": DATA_INTEGRITY_PROOF,
        "cryptosuite": EDDSA_RDFC_2022,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    return options


def create_proof(unsecured_document, options, private_key, *, loader=default_loader):
    """vc-di-eddsa "Create Proof (eddsa-rdfc-2022)": the proof object (options + proofValue)."""
    check_defined_terms(unsecured_document, loader=loader)
    canonical_config = proof_configuration(options, unsecured_document.get("@context"), loader=loader)
    transformed = transform(unsecured_document, loader=loader)
    signature = serialize_proof(hash_data(transformed, canonical_config), private_key)
    return {**options, "proofValue": multikey.encode_base58btc(signature)}


def sign(unsecured_document, options, private_key, *, loader=default_loader):
    """The document with an eddsa-rdfc-2022 ``proof`` added (the input is not changed)."""
    if "proof" in unsecured_document:
        raise ProofError("The document already has a proof.")
    secured = copy.copy(unsecured_document)
    secured["proof"] = create_proof(unsecured_document, options, private_key, loader=loader)
    return secured


@dataclass(frozen=True)
class VerifiedProof:
    verification_method: str
    proof_purpose: str
    created: datetime | None
    challenge: str | None
    domain: str | None


def _check_suite(proof):
    if proof.get("type") == DATA_INTEGRITY_PROOF:
        if proof.get("cryptosuite") != EDDSA_RDFC_2022:
            raise ProofError(f"Unsupported cryptosuite {proof.get('cryptosuite')!r}; eddsa-rdfc-2022 is verified.")
    elif proof.get("type") != ED25519_SIGNATURE_2020:
        raise ProofError(f"Unsupported proof type {proof.get('type')!r}.")


def verify_proof(secured_document, resolve_public_key, *, expected_purpose=ASSERTION_METHOD, loader=default_loader):
    """vc-di-eddsa "Verify Proof (eddsa-rdfc-2022)" (and Ed25519Signature2020): the proof's facts, or ProofError.

    ``resolve_public_key(verification_method)`` returns the Ed25519 public key, or raises ProofError.
    """
    if not isinstance(secured_document, dict):
        raise ProofError("The document is not a JSON object.")
    proof = secured_document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("Exactly one proof is expected.")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("The document has no proof.")
    _check_suite(proof)
    if proof.get("proofPurpose") != expected_purpose:
        raise ProofError(f"The proof's purpose is {proof.get('proofPurpose')!r}, not {expected_purpose!r}.")
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str) or not verification_method:
        raise ProofError("The proof names no verification method.")
    created = _parse_datetime(proof["created"], "created") if "created" in proof else None
    try:
        signature = multikey.decode_base58btc(proof.get("proofValue"))
    except multikey.KeyFormatError as exc:
        raise ProofError(f"The proof value is not valid: {exc}") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise ProofError("The proof value is not a 64-byte Ed25519 signature.")

    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if proof.get("type") == ED25519_SIGNATURE_2020:
        options.pop("@context", None)
    check_defined_terms(unsecured, loader=loader)
    canonical_config = proof_configuration(options, unsecured.get("@context"), loader=loader)
    transformed = transform(unsecured, loader=loader)
    public_key = resolve_public_key(verification_method)
    try:
        public_key.verify(signature, hash_data(transformed, canonical_config))
    except InvalidSignature:
        raise ProofError(
            "The signature does not match the document: it was changed or signed by another key."
        ) from None
    return VerifiedProof(
        verification_method=verification_method,
        proof_purpose=proof["proofPurpose"],
        created=created,
        challenge=proof.get("challenge"),
        domain=proof.get("domain"),
    )


def resolve_did_key(verification_method):
    """Offline resolution of a ``did:key`` verification method to its Ed25519 key."""
    try:
        return multikey.public_key_from_did_key(verification_method)
    except (multikey.KeyFormatError, ValueError) as exc:
        raise ProofError(f"The verification method {verification_method!r} is not usable: {exc}") from None
