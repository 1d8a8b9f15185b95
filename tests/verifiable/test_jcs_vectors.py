"""eddsa-jcs-2022 reproduces the W3C vc-di-eddsa vectors byte for byte (used for CLR records)."""

import pytest

from credentials.apps.verifiable import dataintegrity, jcs_proof
from tests.verifiable.vectors import key_pair, read_json, read_text

SUITE = "eddsa-jcs-2022/"


def _options():
    return {key: value for key, value in read_json(SUITE + "proofConfigJCS.json").items() if key != "@context"}


def test_canonical_document_and_proof_configuration():
    unsigned = read_json("unsigned.json")
    assert jcs_proof.canonicalize(unsigned) == read_text(SUITE + "canonDocJCS.txt").strip()
    config = jcs_proof.proof_configuration(_options(), unsigned["@context"])
    assert config == read_text(SUITE + "proofCanonJCS.txt").strip()


def test_hashes_and_signature():
    private_key, _ = key_pair()
    data = dataintegrity.hash_data(
        read_text(SUITE + "canonDocJCS.txt").strip(), read_text(SUITE + "proofCanonJCS.txt").strip()
    )
    assert data.hex() == read_text(SUITE + "combinedHashJCS.txt").strip()
    assert dataintegrity.serialize_proof(data, private_key).hex() == read_text(SUITE + "sigHexJCS.txt").strip()


def test_signing_gives_the_signed_vector_and_it_verifies():
    private_key, _ = key_pair()
    signed = jcs_proof.sign(read_json("unsigned.json"), _options(), private_key)
    assert signed == read_json(SUITE + "signedJCS.json")
    assert jcs_proof.verify_proof(signed, dataintegrity.resolve_did_key).startswith("did:key:z6MkrJV")


def test_a_tampered_jcs_document_fails():
    document = read_json(SUITE + "signedJCS.json")
    document["credentialSubject"]["alumniOf"] = "Elsewhere"
    with pytest.raises(dataintegrity.ProofError, match="does not match"):
        jcs_proof.verify_proof(document, dataintegrity.resolve_did_key)
