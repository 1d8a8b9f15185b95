"""A program record as a signed CLR 2.0 ClrCredential: shared (public) and the owner's own download."""

import copy
import json

import pytest

from credentials.apps.credentials import api as credentials_api
from credentials.apps.records.models import ProgramCertRecord
from credentials.apps.verifiable import dataintegrity, issuers, jcs_proof
from tests.factories import UserFactory
from tests.records.helpers import award, award_program, grade, make_program
from tests.verifiable import independent
from tests.verifiable.helpers import served_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(site):
    alice = UserFactory(username="alice", full_name="Alice Lovelace", email="alice@example.com")
    program, runs, configurations = make_program(2, site=site, title="Data Science")
    first = award("alice", configurations[0])
    award("alice", configurations[1])
    grade("alice", runs[0], "0.9100", "A")
    grade("alice", runs[1], "0.8700", "")
    shared = ProgramCertRecord.objects.create(user=alice, program=program)
    return alice, program, runs, shared, first


def _clr(client, shared):
    response = client.get(f"/records/programs/shared/{shared.uuid.hex}/clr.json")
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == f'attachment; filename="{shared.uuid.hex}.clr.json"'
    return json.loads(response.content)


def test_the_shared_record_is_a_signed_clr_with_the_courses_and_grades(client, record):
    _, program, runs, shared, _ = record

    document = _clr(client, shared)

    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    ]
    assert document["id"] == f"urn:uuid:{shared.uuid}"
    assert document["name"] == "Data Science record"
    subject = document["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    courses = subject["verifiableCredential"]
    assert [vc["credentialSubject"]["result"][0]["value"] for vc in courses] == ["A", "87%"]
    assert [vc["credentialSubject"]["achievement"]["humanCode"] for vc in courses] == [run.key for run in runs]
    assert subject["achievement"][0]["id"] == f"urn:uuid:{program.uuid}"
    assert [association["targetId"] for association in subject["association"]] == [
        vc["credentialSubject"]["achievement"]["id"] for vc in courses
    ]
    proof = document["proof"]
    assert proof["cryptosuite"] == "eddsa-jcs-2022" and proof["@context"] == document["@context"]
    assert jcs_proof.verify_proof(document, issuers.resolve_public_key).split("#")[0] == document["issuer"]["id"]


def test_each_embedded_credential_verifies_independently(client, record):
    document = _clr(client, record[3])
    for credential in document["credentialSubject"]["verifiableCredential"]:
        result = independent.verify(credential, documents=served_documents(client, credential), check_status=True)
        assert result == {"verified": True, "error": ""}
        dataintegrity.verify_proof(credential, issuers.resolve_public_key)


def test_a_changed_grade_breaks_the_record_signature(client, record):
    document = _clr(client, record[3])
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["result"][0]["value"] = "A+"
    with pytest.raises(dataintegrity.ProofError):
        jcs_proof.verify_proof(tampered, issuers.resolve_public_key)


def test_the_program_certificate_joins_when_awarded_and_revoked_courses_leave(client, record):
    alice, program, _, shared, first = record
    award_program("alice", program)
    credentials_api.revoke_credential(first)
    subject = _clr(client, shared)["credentialSubject"]
    types = [vc["credentialSubject"]["achievement"]["achievementType"] for vc in subject["verifiableCredential"]]
    assert types == ["CertificateOfCompletion", "Certificate"]


def test_the_owner_downloads_it_from_the_private_record_page(client, record, settings):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = ""
    alice, program, _, _, _ = record
    client.force_login(alice)
    page = client.get(f"/records/programs/{program.uuid.hex}/").content.decode()
    path = f"/records/programs/{program.uuid.hex}/clr.json"
    assert f'href="{path}"' in page
    document = json.loads(client.get(path).content)
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert len(document["credentialSubject"]["verifiableCredential"]) == 2


def test_another_learner_gets_their_own_record_never_the_owners(client, record):
    _, program, _, _, _ = record
    client.force_login(UserFactory(username="bob"))
    own = client.get(f"/records/programs/{program.uuid.hex}/clr.json")
    assert own.status_code == 200
    assert json.loads(own.content)["credentialSubject"]["verifiableCredential"] == []
    assert "Alice" not in own.content.decode()
    asking_for_alice = client.get(f"/records/programs/{program.uuid.hex}/clr.json", {"username": "alice"})
    assert asking_for_alice.status_code == 403


def test_unknown_shared_record_is_404(client, site):
    assert client.get("/records/programs/shared/" + "0" * 32 + "/clr.json").status_code == 404
