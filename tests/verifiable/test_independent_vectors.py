"""The independent verifier agrees with the W3C vectors, so its verdict on our credentials means something.

The vector's issuer is an https URL, not the signing key's DID, so only its proof is checked here; the full
credential checks (issuer = key controller, dates, status) run on the service's own credentials.
"""

import copy

from tests.verifiable import independent
from tests.verifiable.vectors import EXAMPLES_V2, EXAMPLES_V2_DOCUMENT, read_json

DOCUMENTS = {EXAMPLES_V2: EXAMPLES_V2_DOCUMENT}


def test_the_signed_w3c_vector_verifies_independently():
    result = independent.verify(read_json("eddsa-rdfc-2022/signedDataInt.json"), documents=DOCUMENTS, proof_only=True)
    assert result == {"verified": True, "error": ""}


def test_the_tampered_w3c_vector_fails_independently():
    document = copy.deepcopy(read_json("eddsa-rdfc-2022/signedDataInt.json"))
    document["credentialSubject"]["alumniOf"] = "Another School"
    result = independent.verify(document, documents=DOCUMENTS, proof_only=True)
    assert result["verified"] is False
    assert "Invalid signature" in result["error"]
