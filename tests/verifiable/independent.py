"""Runs Digital Bazaar's verifier (node/verify.mjs, installed by `make node-verifier`) on a credential.

The verifier's document loader gets our vendored contexts (the same files, read here) plus whatever
documents the test passes (status lists the service served): it never touches the network.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from credentials.apps.verifiable.loader import CONTEXT_FILES, CONTEXTS_DIR

ROOT = Path(__file__).resolve().parents[2]
INSTALL_DIR = ROOT / "var" / "node-verifier"
NODE_DIR = Path(__file__).resolve().parent / "node"


def _installed(script="verify.mjs"):
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the independent verifier (.ci/run installs them)")
    if not (INSTALL_DIR / "node_modules" / ".installed").exists():
        subprocess.run(["make", "node-verifier"], cwd=ROOT, check=True, capture_output=True)
    # ES modules resolve packages next to the script: run a copy inside the install directory.
    shutil.copyfile(NODE_DIR / script, INSTALL_DIR / script)
    return INSTALL_DIR / script


def vendored_contexts():
    return {url: json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8")) for url, name in CONTEXT_FILES.items()}


def verify(credential, *, documents=None, check_status=False, proof_only=False):
    """{"verified": bool, "error": str} from the independent verifier."""
    script = _installed()
    payload = {
        "credential": credential,
        "documents": {**vendored_contexts(), **(documents or {})},
        "checkStatus": check_status,
        "proofOnly": proof_only,
    }
    completed = subprocess.run(
        ["node", str(script)], input=json.dumps(payload), capture_output=True, text=True, cwd=INSTALL_DIR
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def sign_presentation(*, seed, challenge, context):
    """A DID-Auth presentation signed by Digital Bazaar's Ed25519Signature2020, as the wallet signs it."""
    script = _installed("sign_vp.mjs")
    payload = {"seedHex": seed.hex(), "challenge": challenge, "context": context, "documents": vendored_contexts()}
    completed = subprocess.run(
        ["node", str(script)], input=json.dumps(payload), capture_output=True, text=True, cwd=INSTALL_DIR
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)
