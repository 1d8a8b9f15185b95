"""The public verifier: POST /api/v2/verify/ and the /verify/ page, on ours and on others' credentials."""

import copy
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import dataintegrity, keys, multikey
from credentials.apps.verifiable.signing import xsd_datetime
from tests.credentials import builders
from tests.factories import UserFactory
from tests.verifiable.helpers import credential_url, get_json

pytestmark = pytest.mark.django_db

VERIFY = "/api/v2/verify/"


@pytest.fixture
def served(client, site):
    UserFactory(username="alice", full_name="Alice Lovelace")
    awarded = builders.program_credential(title="Data Science Foundations")
    return awarded, get_json(client, credential_url(awarded.credential))


def _verify(client, document):
    response = client.post(VERIFY, json.dumps(document), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _checks(result):
    return {check["check"]: check for check in result["checks"]}


def _foreign_credential(**members):
    """A credential of another issuer (its own did:key), signed here with a fresh key."""
    private_key = keys.generate()
    did = multikey.did_key(private_key.public_key())
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b5e4f7a-2f4e-4b7e-9d55-6a1f1f0a9c11",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        **members,
    }
    options = dataintegrity.proof_options(
        verification_method=multikey.did_key_verification_method(private_key.public_key()),
        created="2024-01-01T00:00:00Z",
    )
    return dataintegrity.sign(document, options, private_key)


def test_a_served_credential_verifies_with_every_check_in_plain_words(client, served):
    _, document = served
    response = client.post(VERIFY, json.dumps(document), content_type="application/json")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    result = response.json()
    assert result["verified"] is True
    checks = _checks(result)
    assert [check["check"] for check in result["checks"]] == ["schema", "proof", "validity", "issuer", "status"]
    assert all(check["ok"] for check in result["checks"])
    assert checks["proof"]["detail"].startswith("The signature is valid")
    assert checks["status"]["detail"] == "Not revoked."
    assert "an issuer of this service" in checks["issuer"]["detail"]
    assert result["credential"]["achievement"] == "Data Science Foundations"
    assert result["credential"]["recipient"] == "Alice Lovelace"


def test_wrapped_in_verifiable_credential_too(client, served):
    assert _verify(client, {"verifiableCredential": served[1]})["verified"] is True


def test_a_tampered_credential_fails_the_proof(client, served):
    document = copy.deepcopy(served[1])
    document["credentialSubject"]["achievement"]["name"] = "Something grander"
    result = _verify(client, document)
    assert result["verified"] is False
    assert _checks(result)["proof"] == {
        "check": "proof",
        "ok": False,
        "detail": "The signature does not match the document: it was changed or signed by another key.",
    }


def test_a_revoked_credential_fails_the_status_check(client, served):
    awarded, document = served
    credentials_api.revoke_credential(awarded.credential)
    result = _verify(client, document)
    assert result["verified"] is False
    assert _checks(result)["status"] == {"check": "status", "ok": False, "detail": "Revoked by the issuer."}
    assert _checks(result)["proof"]["ok"] is True


def test_another_issuer_cannot_borrow_our_status_list(client, served):
    _, ours = served
    document = _foreign_credential(credentialStatus=ours["credentialStatus"])
    result = _verify(client, document)
    assert result["verified"] is False
    assert _checks(result)["status"]["detail"] == "The status list belongs to another issuer than the credential's."


def test_another_issuers_did_key_credential_verifies(client, site):
    result = _verify(client, _foreign_credential())
    assert result["verified"] is True
    assert "not an issuer of this service" in _checks(result)["issuer"]["detail"]


@pytest.mark.parametrize(
    ("members", "detail"),
    [
        ({"validUntil": "2024-06-01T00:00:00Z"}, "Expired on 2024-06-01T00:00:00Z."),
        ({"validFrom": "2999-01-01T00:00:00Z"}, "Not yet valid: valid from 2999-01-01T00:00:00Z."),
    ],
)
def test_validity_dates(client, site, members, detail):
    result = _verify(client, _foreign_credential(**members))
    assert result["verified"] is False
    assert _checks(result)["validity"] == {"check": "validity", "ok": False, "detail": detail}
    assert _checks(result)["proof"]["ok"] is True


def test_a_key_that_is_not_the_issuers_fails(client, site):
    document = _foreign_credential()
    document["issuer"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    result = _verify(client, document)
    assert _checks(result)["proof"]["ok"] is False


def test_an_unknown_context_fails_the_schema_check_without_a_fetch(client, site):
    document = _foreign_credential()
    document["@context"] = [*document["@context"], "https://example.com/evil-context.json"]
    result = _verify(client, document)
    assert result["verified"] is False
    assert "https://example.com/evil-context.json" in _checks(result)["schema"]["detail"]


def test_an_open_badge_without_recipient_fails_the_schema_check(client, served):
    document = copy.deepcopy(served[1])
    del document["credentialSubject"]["identifier"]
    assert "recipient is not identified" in _checks(_verify(client, document))["schema"]["detail"]


def test_swapped_contexts_fail_the_schema_check(client, served):
    document = copy.deepcopy(served[1])
    document["@context"][0], document["@context"][1] = document["@context"][1], document["@context"][0]
    assert _checks(_verify(client, document))["schema"]["ok"] is False


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        (json.dumps([1, 2]), "application/json", 400),
        (json.dumps({"type": ["VerifiablePresentation"]}), "application/json", 400),
        ("x=1", "application/x-www-form-urlencoded", 415),
        (json.dumps({"type": "VerifiableCredential", "pad": "x" * 300_000}), "application/json", 413),
    ],
    ids=["not json", "not an object", "not a credential", "form", "too large"],
)
def test_bad_input_is_a_clear_4xx(client, site, body, content_type, status):
    response = client.post(VERIFY, body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_stray_authorization_header_does_not_matter(client, served):
    response = client.post(
        VERIFY, json.dumps(served[1]), content_type="application/json", HTTP_AUTHORIZATION="JWT nonsense"
    )
    assert response.status_code == 200


# --- The page ---------------------------------------------------------------------------------------------


def test_the_page_verifies_a_pasted_credential(client, served):
    response = client.post("/verify/", {"credential": json.dumps(served[1])})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Verified</div>" in page and "Not verified" not in page
    assert "Revocation status" in page and "Not revoked." in page
    assert "Data Science Foundations" in page


def test_the_page_verifies_an_uploaded_file(client, served):
    document = copy.deepcopy(served[1])
    document["name"] = "Changed"
    upload = SimpleUploadedFile("credential.json", json.dumps(document).encode(), content_type="application/json")
    page = client.post("/verify/", {"file": upload}).content.decode()
    assert "Not verified" in page and "it was changed or signed by another key" in page


def test_the_page_opens_a_credential_of_this_service_by_url(client, served):
    awarded, _ = served
    response = client.get("/verify/", {"url": "http://testserver" + credential_url(awarded.credential)})
    assert "Verified</div>" in response.content.decode()


def test_the_page_never_fetches_another_host(client, served):
    response = client.get("/verify/", {"url": "https://example.com/credential.json"})
    assert response.status_code == 200
    assert "Only credentials of this service can be opened by address" in response.content.decode()


def test_the_page_says_what_is_wrong_with_bad_input(client, site):
    response = client.post("/verify/", {"credential": "not json"})
    assert response.status_code == 400
    assert "This is not JSON" in response.content.decode()


def test_the_certificate_page_links_to_its_credential_and_the_verifier(client, served):
    awarded, _ = served
    page = client.get(f"/credentials/{awarded.credential.uuid.hex}/").content.decode()
    assert f'href="{credential_url(awarded.credential)}"' in page
    assert "/verify/?url=http%3A%2F%2Ftestserver%2Fcredentials%2F" in page


def test_xsd_datetime_is_utc_seconds():
    moment = timezone.now().replace(microsecond=123456) + timedelta(hours=0)
    assert xsd_datetime(moment).endswith("Z") and "." not in xsd_datetime(moment)
