"""The official W3C vc-di-eddsa test vectors (copied in w3c_vectors/, W3C Software and Document License)."""

import json
from pathlib import Path

from credentials.apps.verifiable import multikey
from credentials.apps.verifiable.loader import DocumentLoader

VECTORS = Path(__file__).resolve().parent / "w3c_vectors"

# The examples context of VC 2.0, as vc-data-model publishes it; the vectors' documents use it. Tests only.
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_V2_DOCUMENT = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}

vector_loader = DocumentLoader(extra={EXAMPLES_V2: EXAMPLES_V2_DOCUMENT})


def read_text(name):
    return (VECTORS / name).read_text(encoding="utf-8")


def read_json(name):
    return json.loads(read_text(name))


def rdfc_proof_options():
    """The proof options of the eddsa-rdfc-2022 vectors: their proof configuration without its context."""
    config = read_json("eddsa-rdfc-2022/proofConfigDataInt.json")
    return {key: value for key, value in config.items() if key != "@context"}


def key_pair():
    pair = read_json("keyPair.json")
    private_key = multikey.private_key_from_multibase(pair["privateKeyMultibase"])
    return private_key, pair["publicKeyMultibase"]
