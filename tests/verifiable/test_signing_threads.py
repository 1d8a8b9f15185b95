"""Signing from many threads of one process at once (a threaded server, the status-list race): each thread's
signature is the W3C vector's, and no thread fails on a cache another thread is changing."""

import threading

from credentials.apps.verifiable import dataintegrity
from credentials.apps.verifiable.loader import DocumentLoader
from tests.verifiable.vectors import EXAMPLES_V2, EXAMPLES_V2_DOCUMENT, key_pair, rdfc_proof_options, read_json

SUITE = "eddsa-rdfc-2022/"
THREADS = 8
ROUNDS = 12


def test_threads_sharing_one_loader_all_sign_the_vector():
    loader = DocumentLoader(extra={EXAMPLES_V2: EXAMPLES_V2_DOCUMENT})
    private_key, _ = key_pair()
    options = rdfc_proof_options()
    unsigned = read_json("unsigned.json")
    signed, failures = [], []
    barrier = threading.Barrier(THREADS)

    def sign_repeatedly():
        barrier.wait()
        for _ in range(ROUNDS):
            try:
                signed.append(dataintegrity.sign(unsigned, options, private_key, loader=loader))
            except Exception as exc:  # noqa: BLE001 - any failure in a thread is what this test looks for
                failures.append(repr(exc))

    threads = [threading.Thread(target=sign_repeatedly) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert signed == [read_json(SUITE + "signedDataInt.json")] * (THREADS * ROUNDS)
