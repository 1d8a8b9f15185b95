"""The Learner Credential Wallet flow: init, deep link and QR, the wallet's signed presentation, issue."""

import base64
import copy
import json
import shutil
import subprocess
import uuid
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import dataintegrity, keys, multikey
from credentials.apps.verifiable.models import IssuanceLine
from credentials.apps.verifiable.signing import xsd_datetime
from tests.credentials import builders
from tests.factories import UserFactory
from tests.verifiable import independent
from tests.verifiable.helpers import served_documents

pytestmark = pytest.mark.django_db

API = "/verifiable_credentials/api/v1/"
V1_CONTEXTS = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"]
WALLET_SEED = bytes(range(100, 132))


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", full_name="Alice Lovelace", email="alice@example.com")


@pytest.fixture
def awarded(site, alice):
    return builders.program_credential(title="Data Science Foundations")


def _init(client, user, credential, storage_id="lc_wallet"):
    client.force_login(user)
    body = {"credential_uuid": credential.uuid.hex, "storage_id": storage_id}
    return client.post(API + "credentials/init/", body, content_type="application/json")


def _issue_path(init_answer):
    params = dict(parse_qsl(urlsplit(init_answer["deeplink"]).query))
    return params["vc_request_url"].removeprefix("http://testserver"), params["challenge"]


def _post_vp(client, path, presentation):
    client.logout()
    return client.post(path, json.dumps(presentation), content_type="application/json")


def _our_vp(challenge, *, private_key=None, holder=None, created=None, **extra):
    """A presentation signed with eddsa-rdfc-2022 by this project's signer (the current LCW can do either)."""
    private_key = private_key or keys.generate()
    did = multikey.did_key(private_key.public_key())
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder or did,
    }
    options = dataintegrity.proof_options(
        verification_method=multikey.did_key_verification_method(private_key.public_key()),
        created=created or xsd_datetime(timezone.now()),
        proof_purpose="authentication",
        challenge=challenge,
        **extra,
    )
    return dataintegrity.sign(presentation, options, private_key)


def test_init_answers_the_deep_link_and_qr_of_upstream(client, awarded, alice):
    response = _init(client, alice, awarded.credential)

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"deeplink", "qrcode", "app_link_android", "app_link_ios"}
    line = IssuanceLine.objects.get()
    assert answer["deeplink"].startswith("dccrequest://request?issuer=did%3Akey%3Az6Mk")
    params = parse_qsl(urlsplit(answer["deeplink"]).query)
    assert [name for name, _ in params] == ["issuer", "vc_request_url", "auth_type", "challenge", "vp_version"]
    assert dict(params)["vc_request_url"] == (
        f"http://testserver/verifiable_credentials/api/v1/credentials/issue/{line.uuid}/"
    )
    assert dict(params)["challenge"] == str(line.uuid) and dict(params)["auth_type"] == "bearer"
    png = base64.b64decode(answer["qrcode"], validate=True)
    assert png.startswith(b"\x89PNG")
    if shutil.which("zbarimg"):
        decoded = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=png, capture_output=True).stdout
        assert decoded.decode().strip() == answer["deeplink"]
    assert _init(client, alice, awarded.credential).json()["deeplink"] == answer["deeplink"]  # pending line reused


def test_the_wallet_gets_a_credential_issued_to_its_did(client, awarded, alice):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    presentation = independent.sign_presentation(seed=WALLET_SEED, challenge=challenge, context=V1_CONTEXTS)

    response = _post_vp(client, path, presentation)

    assert response.status_code == 201, response.content
    document = response.json()
    assert document["credentialSubject"]["id"] == presentation["holder"]
    line = IssuanceLine.objects.get()
    assert line.processed and line.subject_id == presentation["holder"]
    assert document["id"] == f"urn:uuid:{line.vc_id}" and str(line.uuid) not in document["id"]
    result = independent.verify(document, documents=served_documents(client, document), check_status=True)
    assert result == {"verified": True, "error": ""}

    again = _post_vp(client, path, presentation)  # the same holder may fetch it again
    assert again.status_code == 201 and again.json()["id"] == document["id"]


def test_an_eddsa_rdfc_presentation_is_accepted_too(client, awarded, alice):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    assert _post_vp(client, path, _our_vp(challenge)).status_code == 201


def test_a_revoked_credential_issued_to_a_wallet_fails_its_status_check(client, awarded, alice):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    document = _post_vp(client, path, _our_vp(challenge)).json()
    credentials_api.revoke_credential(awarded.credential)
    result = independent.verify(document, documents=served_documents(client, document), check_status=True)
    assert result == {"verified": False, "error": "revoked"}


def _tampered_vps(challenge):
    private_key = keys.generate()
    good = _our_vp(challenge, private_key=private_key)
    bad_signature = copy.deepcopy(good)
    bad_signature["proof"]["proofValue"] = good["proof"]["proofValue"][:-2] + "11"
    unsigned = {key: value for key, value in good.items() if key != "proof"}
    two_proofs = {**good, "proof": [good["proof"], good["proof"]]}
    return {
        "wrong challenge": _our_vp(str(uuid.uuid4())),
        "holder is not the signer": _our_vp(challenge, holder=multikey.did_key(keys.generate().public_key())),
        "stale proof": _our_vp(challenge, created=xsd_datetime(timezone.now() - timedelta(hours=1))),
        "bad signature": bad_signature,
        "unsigned": unsigned,
        "two proofs": two_proofs,
        "assertion purpose": {**good, "proof": {**good["proof"], "proofPurpose": "assertionMethod"}},
        "other domain": _our_vp(challenge, domain="evil.example"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "wrong challenge",
        "holder is not the signer",
        "stale proof",
        "bad signature",
        "unsigned",
        "two proofs",
        "assertion purpose",
        "other domain",
    ],
)
def test_a_presentation_that_does_not_prove_its_holder_is_401(client, awarded, alice, case):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    response = _post_vp(client, path, _tampered_vps(challenge)[case])
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert not IssuanceLine.objects.get().processed


def test_the_challenge_of_another_line_is_refused(client, site, awarded, alice):
    other = builders.course_credential()
    path, _ = _issue_path(_init(client, alice, awarded.credential).json())
    _, other_challenge = _issue_path(_init(client, alice, other.credential).json())
    assert _post_vp(client, path, _our_vp(other_challenge)).status_code == 401


def test_a_processed_line_is_bound_to_its_holder(client, awarded, alice):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    assert _post_vp(client, path, _our_vp(challenge)).status_code == 201
    response = _post_vp(client, path, _our_vp(challenge))
    assert response.status_code == 400
    assert response.json()["reason"].startswith("Issuance line is bound to another holder")


def test_an_expired_pending_line_is_refused(client, awarded, alice):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    IssuanceLine.objects.update(created=timezone.now() - timedelta(hours=1))
    response = _post_vp(client, path, _our_vp(challenge))
    assert response.status_code == 400 and response.json()["reason"].startswith("Issuance request expired")


def test_a_revoked_credential_is_not_issued(client, awarded, alice):
    path, challenge = _issue_path(_init(client, alice, awarded.credential).json())
    credentials_api.revoke_credential(awarded.credential)
    response = _post_vp(client, path, _our_vp(challenge))
    assert response.status_code == 400
    assert response.json() == {"reason": f"Seems credential isn't active anymore: [{awarded.credential.uuid.hex}]"}


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"storage_id": "lc_wallet"}, 400, {"credential_uuid": "Mandatory data is missing"}),
        (
            {"credential_uuid": "nope", "storage_id": "lc_wallet"},
            400,
            {"credential_uuid": "Credential identifier must be valid UUID: ['credential_uuid']"},
        ),
        ({"credential_uuid": "{uuid}"}, 400, {"storage_id": "Mandatory data is missing"}),
        (
            {"credential_uuid": "{uuid}", "storage_id": "vc_status_list_2021"},
            404,
            {
                "storage_id": "Provided storage backend (vc_status_list_2021) isn't active."
                + " " * 17
                + "Storages: ['lc_wallet']"
            },
        ),
    ],
)
def test_init_errors_are_upstreams(client, awarded, alice, body, status, answer):
    client.force_login(alice)
    body = {key: value.format(uuid=awarded.credential.uuid.hex) for key, value in body.items()}
    response = client.post(API + "credentials/init/", body, content_type="application/json")
    assert response.status_code == status
    assert response.json() == answer


def test_init_for_another_learners_credential_is_404(client, awarded):
    bob = UserFactory(username="bob")
    response = _init(client, bob, awarded.credential)
    assert response.status_code == 404
    assert response.json() == {"credential_uuid": f"No such user credential [{awarded.credential.uuid.hex}]"}
    assert IssuanceLine.objects.count() == 0


def test_anonymous_init_is_401(client, awarded):
    body = {"credential_uuid": awarded.credential.uuid.hex, "storage_id": "lc_wallet"}
    assert client.post(API + "credentials/init/", body, content_type="application/json").status_code in (401, 403)


def test_storages_and_credentials_lists(client, awarded, alice):
    client.force_login(alice)
    assert client.get(API + "storages/").json() == [{"id": "lc_wallet", "name": "Learner Credential Wallet"}]
    listed = client.get(API + "credentials/", {"types": "programcertificate"}).json()
    assert list(listed) == ["program_credentials"]
    (item,) = listed["program_credentials"]
    assert item["uuid"] == awarded.credential.uuid.hex and item["credential_title"] == "Data Science Foundations"
    assert item["credential_uuid"] == awarded.program.uuid.hex
    both = client.get(API + "credentials/").json()
    assert len(both["course_credentials"]) == 1


def test_the_owner_adds_a_certificate_from_its_page(client, awarded, alice):
    client.force_login(alice)
    page = client.get(f"/credentials/{awarded.credential.uuid.hex}/").content.decode()
    wallet_path = f"/verifiable_credentials/wallet/{awarded.credential.uuid.hex}/"
    assert f'href="{wallet_path}"' in page

    add = client.get(wallet_path).content.decode()

    assert 'src="data:image/png;base64,' in add
    assert 'href="dccrequest://request?issuer=did%3Akey%3A' in add


def test_others_see_no_wallet_button_and_cannot_add(client, awarded):
    bob = UserFactory(username="bob")
    client.force_login(bob)
    page = client.get(f"/credentials/{awarded.credential.uuid.hex}/").content.decode()
    assert "/verifiable_credentials/wallet/" not in page
    assert client.get(f"/verifiable_credentials/wallet/{awarded.credential.uuid.hex}/").status_code == 404


def test_the_records_page_leads_to_the_wallet_list(client, awarded, alice, settings):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = ""
    client.force_login(alice)
    assert 'href="/verifiable_credentials/wallet/"' in client.get("/records/").content.decode()
    listing = client.get("/verifiable_credentials/wallet/").content.decode()
    assert f'href="/verifiable_credentials/wallet/{awarded.credential.uuid.hex}/"' in listing
    assert "Data Science Foundations" in listing
