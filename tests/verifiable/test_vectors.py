"""eddsa-rdfc-2022 reproduces the W3C vc-di-eddsa vectors byte for byte, step by step (STYLE.md §9)."""

import pytest

from credentials.apps.verifiable import dataintegrity, multikey
from tests.verifiable.vectors import key_pair, rdfc_proof_options, read_json, read_text, vector_loader

SUITE = "eddsa-rdfc-2022/"


def test_secret_multikey_gives_the_public_multikey_of_the_vector():
    private_key, public_multibase = key_pair()
    assert multikey.public_key_multibase(private_key.public_key()) == public_multibase


def test_transformation_is_the_canonical_document():
    unsigned = read_json("unsigned.json")
    assert dataintegrity.transform(unsigned, loader=vector_loader) == read_text(SUITE + "canonDocDataInt.txt")


def test_proof_configuration_is_the_canonical_proof_config():
    unsigned = read_json("unsigned.json")
    canonical = dataintegrity.proof_configuration(rdfc_proof_options(), unsigned["@context"], loader=vector_loader)
    assert canonical == read_text(SUITE + "proofCanonDataInt.txt")


def test_hashes_and_signature():
    private_key, _ = key_pair()
    data = dataintegrity.hash_data(read_text(SUITE + "canonDocDataInt.txt"), read_text(SUITE + "proofCanonDataInt.txt"))
    assert data[:32].hex() == read_text(SUITE + "proofHashDataInt.txt").strip()
    assert data[32:].hex() == read_text(SUITE + "docHashDataInt.txt").strip()
    assert data.hex() == read_text(SUITE + "combinedHashDataInt.txt").strip()
    signature = dataintegrity.serialize_proof(data, private_key)
    assert signature.hex() == read_text(SUITE + "sigHexDataInt.txt").strip()
    assert multikey.encode_base58btc(signature) == read_text(SUITE + "sigBTC58DataInt.txt").strip()


def test_signing_the_unsigned_document_gives_the_signed_document():
    private_key, _ = key_pair()
    signed = dataintegrity.sign(read_json("unsigned.json"), rdfc_proof_options(), private_key, loader=vector_loader)
    assert signed == read_json(SUITE + "signedDataInt.json")


def test_the_signed_vector_verifies():
    proof = dataintegrity.verify_proof(
        read_json(SUITE + "signedDataInt.json"), dataintegrity.resolve_did_key, loader=vector_loader
    )
    assert proof.verification_method == rdfc_proof_options()["verificationMethod"]


def test_the_ed25519signature2020_vector_verifies():
    proof = dataintegrity.verify_proof(
        read_json("Ed25519Signature2020/signedEdSig.json"), dataintegrity.resolve_did_key, loader=vector_loader
    )
    assert proof.proof_purpose == "assertionMethod"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda doc: doc.update(name="Alumni Credential!"),
        lambda doc: doc["credentialSubject"].update(alumniOf="Another School"),
        lambda doc: doc["proof"].update(created="2023-02-24T23:36:39Z"),
        lambda doc: doc["proof"].update(proofValue=doc["proof"]["proofValue"][:-1] + "f"),
    ],
    ids=["name", "subject", "created", "proof value"],
)
def test_a_tampered_vector_fails(tamper):
    document = read_json(SUITE + "signedDataInt.json")
    tamper(document)
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify_proof(document, dataintegrity.resolve_did_key, loader=vector_loader)


def test_a_proof_by_another_key_fails():
    other = multikey.private_key_from_multibase(multikey.encode_base58btc(b"\x80\x26" + bytes(range(32))))
    document = dataintegrity.sign(read_json("unsigned.json"), rdfc_proof_options(), other, loader=vector_loader)
    with pytest.raises(dataintegrity.ProofError, match="signature does not match"):
        dataintegrity.verify_proof(document, dataintegrity.resolve_did_key, loader=vector_loader)


def test_an_unknown_context_is_an_error_never_a_fetch():
    document = read_json("unsigned.json")
    document["@context"] = ["https://www.w3.org/ns/credentials/v2", "https://example.com/context.json"]
    private_key, _ = key_pair()
    with pytest.raises(dataintegrity.ProofError, match="Unknown JSON-LD context 'https://example.com/context.json'"):
        dataintegrity.sign(document, rdfc_proof_options(), private_key)


def test_the_examples_context_is_not_known_outside_tests():
    with pytest.raises(dataintegrity.ProofError, match="Unknown JSON-LD context"):
        dataintegrity.transform(read_json("unsigned.json"))


def test_an_undefined_term_is_refused_before_signing():
    document = read_json("unsigned.json")
    document["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    document["credentialSubject"] = {"id": "did:example:abcdefgh", "undefinedTerm": "x"}
    private_key, _ = key_pair()
    with pytest.raises(dataintegrity.UndefinedTermError, match="undefinedTerm"):
        dataintegrity.sign(document, rdfc_proof_options(), private_key)
