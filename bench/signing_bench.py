"""Signing speed: OpenBadgeCredentials signed (eddsa-rdfc-2022) per second on one core, and verified per second.

    make bench-signing            # or: .venv/bin/python bench/signing_bench.py [--seconds 5]

One process, one thread: JSON-LD canonicalisation (pyld, pure Python) dominates, so this is one core's rate.
The document is the shape credential.json serves (composition.py), with a generated key; nothing is cached
between iterations except the parsed JSON-LD contexts, as in the server. Prints only what it measured here.
"""

import argparse
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credentials.settings.test")


def sample_document():
    from credentials.apps.verifiable import composition

    facts = composition.Facts(
        credential_uuid=uuid.uuid4(),
        is_program=True,
        title="Data Science Foundations",
        credential_title=None,
        visible_date=datetime(2025, 5, 14, 12, 0, tzinfo=UTC),
        organizations=(composition.Organization(uuid.uuid4(), "ACMEx", "ACME University", "https://x.test/logo.png"),),
        platform_name="Bench Platform",
        program_uuid=uuid.uuid4(),
        program_course_count=5,
        hours_of_effort=120,
        learner_name="Bench Learner",
        learner_email="bench@example.com",
    )
    issuer = composition.issuer_profile(
        "did:key:z6MkBench", name="Bench Platform", url="https://x.test", image_url=None
    )
    status = composition.status_entry("https://x.test/verifiable_credentials/api/v1/status-lists/" + "a" * 32 + "/", 7)
    return composition.open_badge_credential(facts, base_url="https://x.test", issuer=issuer, credential_status=status)


def rate(action, seconds):
    action()  # warm: contexts parsed once, as in a running server
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        action()
        count += 1
    return count / (time.perf_counter() - started), count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    import django

    django.setup()
    from credentials.apps.verifiable import dataintegrity, keys, multikey

    private_key = keys.generate()
    method = multikey.did_key_verification_method(private_key.public_key())
    document = sample_document()
    document["issuer"]["id"] = method.split("#")[0]
    options = dataintegrity.proof_options(verification_method=method, created="2025-05-14T12:00:00Z")
    signed = dataintegrity.sign(document, options, private_key)

    sign_rate, signed_count = rate(lambda: dataintegrity.sign(document, options, private_key), args.seconds)
    verify_rate, verified_count = rate(
        lambda: dataintegrity.verify_proof(signed, dataintegrity.resolve_did_key), args.seconds
    )
    print(f"OpenBadgeCredential, {len(dataintegrity.transform(document).splitlines())} quads, one core (this run):")
    print(f"  signed   {sign_rate:8.1f} credentials/s  ({signed_count} in {args.seconds:g} s)")
    print(f"  verified {verify_rate:8.1f} credentials/s  ({verified_count} in {args.seconds:g} s)")


if __name__ == "__main__":
    main()
