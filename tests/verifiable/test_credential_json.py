"""GET /credentials/<uuid>/credential.json: a signed OB 3.0 credential exactly when the page is public."""

import copy
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import dataintegrity, issuers
from credentials.apps.verifiable.composition import hashed_email_identity
from credentials.apps.verifiable.models import Issuer, StatusListEntry
from tests.credentials import builders
from tests.factories import SiteFactory, UserFactory
from tests.verifiable import independent
from tests.verifiable.helpers import credential_url, get_json, served_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", full_name="Alice Lovelace", email="Alice@Example.com")


def test_a_program_certificate_is_an_open_badge_credential_on_vc2(client, site, alice):
    awarded = builders.program_credential(title="Data Science Foundations")

    document = get_json(client, credential_url(awarded.credential))

    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"urn:uuid:{awarded.credential.uuid}"
    assert document["validFrom"] == "2025-05-14T12:00:00Z"  # the visible date of the page ("Issued May 2025")
    issuer = document["issuer"]
    assert issuer["id"].startswith("did:key:z6Mk") and issuer["type"] == ["Profile"]
    assert issuer["name"] == "Test Platform"
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["id"] == f"urn:uuid:{awarded.program.uuid}"
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"] == "Data Science Foundations"
    assert (
        "offered by ACME University, Globe Institute, in collaboration with Test Platform"
        in (achievement["description"])
    )
    assert achievement["criteria"]["narrative"].startswith("Successfully completed all courses")
    assert achievement["creator"]["name"] == "ACME University"
    identifiers = document["credentialSubject"]["identifier"]
    assert identifiers[0] == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Alice Lovelace",
    }
    assert identifiers[1]["identityType"] == "emailAddress" and identifiers[1]["hashed"] is True
    assert "alice@example.com" not in str(document).lower()
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"].split("#")[0] == issuer["id"]
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


def test_the_hashed_email_is_salted_sha256_of_the_lowercased_address(client, site, alice):
    awarded = builders.course_credential()
    identity = get_json(client, credential_url(awarded.credential))["credentialSubject"]["identifier"][1]
    expected = hashlib.sha256(("alice@example.com" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert len(bytes.fromhex(identity["salt"])) == 16


def test_the_ob_hashed_identity_vector():
    identity = hashed_email_identity("jjefferson18@example.com", "FleurDeSel")
    assert identity["identityHash"] == "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc"


def test_a_course_certificate_carries_its_course(client, site, alice):
    awarded = builders.course_credential(course_title="Statistics for Data Science")
    document = get_json(client, credential_url(awarded.credential))
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == "Statistics for Data Science"
    assert achievement["humanCode"] == awarded.runs[0].key
    assert achievement["id"].startswith("urn:uuid:")
    assert document["name"] == "Statistics for Data Science"
    assert document["validFrom"] == "2025-05-14T12:00:00Z"


def test_served_credentials_verify_with_the_independent_verifier(client, site, alice):
    for awarded in (builders.program_credential(), builders.course_credential(username="alice")):
        document = get_json(client, credential_url(awarded.credential))
        result = independent.verify(document, documents=served_documents(client, document), check_status=True)
        assert result == {"verified": True, "error": ""}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda doc: doc.update(name="Doctor of Everything"),
        lambda doc: doc["credentialSubject"]["achievement"].update(description="Something else"),
        lambda doc: doc.update(validFrom="2020-01-01T00:00:00Z"),
    ],
    ids=["name", "achievement description", "validFrom"],
)
def test_a_tampered_credential_fails_both_verifiers(client, site, alice, tamper):
    awarded = builders.program_credential()
    document = get_json(client, credential_url(awarded.credential))
    documents = served_documents(client, document)
    tampered = copy.deepcopy(document)
    tamper(tampered)

    assert independent.verify(tampered, documents=documents)["verified"] is False
    with pytest.raises(dataintegrity.ProofError):
        dataintegrity.verify_proof(tampered, issuers.resolve_public_key)


def test_a_revoked_credential_is_gone_and_its_served_copy_fails_the_status_check(client, site, alice):
    awarded = builders.program_credential()
    document = get_json(client, credential_url(awarded.credential))

    credentials_api.revoke_credential(awarded.credential)

    assert client.get(credential_url(awarded.credential)).status_code == 404
    entry = StatusListEntry.objects.get(credential=awarded.credential)
    assert entry.revoked_at is not None  # set by the revoking save itself
    result = independent.verify(document, documents=served_documents(client, document), check_status=True)
    assert result == {"verified": False, "error": "revoked"}
    # The signature itself still holds: only the status list says the credential is revoked.
    assert independent.verify(document, proof_only=True)["verified"] is True


def test_re_awarding_gives_a_new_entry_and_the_old_bit_stays_set(client, site, alice):
    awarded = builders.program_credential()
    old = get_json(client, credential_url(awarded.credential))
    credentials_api.revoke_credential(awarded.credential)
    credentials_api.set_status(awarded.credential, "awarded")

    new = get_json(client, credential_url(awarded.credential))

    assert new["credentialStatus"]["id"] != old["credentialStatus"]["id"]
    assert independent.verify(new, documents=served_documents(client, new), check_status=True) == {
        "verified": True,
        "error": "",
    }
    assert independent.verify(old, documents=served_documents(client, old), check_status=True)["verified"] is False


def test_not_public_means_404(client, site, alice):
    revoked = builders.program_credential(status="revoked")
    future = builders.course_credential(available=timezone.now() + timedelta(days=3))
    other_site = builders.course_credential(site=SiteFactory())
    for credential in (revoked.credential, future.credential, other_site.credential):
        assert client.get(credential_url(credential)).status_code == 404
    assert client.get("/credentials/" + "0" * 32 + "/credential.json").status_code == 404
    assert client.get("/credentials/" + "A" * 32 + "/credential.json").status_code == 404
    assert StatusListEntry.objects.count() == 0


def test_a_site_can_turn_it_off(client, site, alice):
    awarded = builders.course_credential()
    Issuer.objects.create(site=site, enabled=False)
    assert client.get(credential_url(awarded.credential)).status_code == 404


def test_the_signed_document_is_cached_until_the_credential_changes(client, site, alice, django_assert_max_num_queries):
    awarded = builders.course_credential()
    first = client.get(credential_url(awarded.credential)).content
    with django_assert_max_num_queries(3):
        again = client.get(credential_url(awarded.credential)).content
    assert again == first

    credentials_api.issue_credential(
        site=site,
        username="alice",
        configuration=awarded.configuration,
        date_override=datetime(2025, 6, 1, tzinfo=UTC),
    )
    changed = get_json(client, credential_url(awarded.credential))
    assert changed["validFrom"] == "2025-06-01T00:00:00Z"


def test_the_first_signing_creates_the_site_issuer_and_key_once(client, site, alice):
    first = builders.course_credential()
    second = builders.program_credential()
    dids = {get_json(client, credential_url(a.credential))["issuer"]["id"] for a in (first, second)}
    assert len(dids) == 1
    issuer = Issuer.objects.get(site=site)
    assert issuer.keys.count() == 1
    assert issuer.keys.get().encrypted_private_key.startswith("v1:")
