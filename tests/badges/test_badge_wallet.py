"""A badge this service issued goes to the Learner Credential Wallet the way certificates do: the owner's link,
init, the wallet's signed presentation, a credential issued to the wallet's DID that Digital Bazaar's verifier
accepts, and that the badge's revocation revokes."""

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from credentials.apps.verifiable.models import IssuanceLine
from tests.badges.local_helpers import award, local_template, revoke
from tests.factories import UserFactory
from tests.verifiable import independent

pytestmark = pytest.mark.django_db

INIT = "/verifiable_credentials/api/v1/credentials/init/"
V1_CONTEXTS = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"]
WALLET_SEED = bytes(range(40, 72))


@pytest.fixture(autouse=True)
def _no_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def ada(site):
    return UserFactory(username="ada", full_name="Ada Lovelace")


@pytest.fixture
def badge(site, ada):
    return award(local_template(site), "ada")


def init(client, user, badge):
    client.force_login(user)
    body = {"credential_uuid": badge.uuid.hex, "storage_id": "lc_wallet"}
    return client.post(INIT, body, content_type="application/json", secure=True)


def status_documents(client, document):
    url = document["credentialStatus"]["statusListCredential"]
    return {url: client.get(url.removeprefix("https://testserver"), secure=True).json()}


def test_the_owner_sees_the_wallet_link_and_others_do_not(client, ada, badge):
    path = f"/badges/credentials/{badge.uuid.hex}/"
    wallet = f'href="/verifiable_credentials/wallet/{badge.uuid.hex}/"'
    assert wallet not in client.get(path).content.decode()
    client.force_login(ada)
    assert wallet in client.get(path).content.decode()
    assert client.get(f"/verifiable_credentials/wallet/{badge.uuid.hex}/").status_code == 200
    client.force_login(UserFactory(username="bob"))
    assert wallet not in client.get(path).content.decode()


def test_the_wallet_gets_the_badge_issued_to_its_did(client, ada, badge):
    answer = init(client, ada, badge)
    assert answer.status_code == 200, answer.content
    params = dict(parse_qsl(urlsplit(answer.json()["deeplink"]).query))
    presentation = independent.sign_presentation(seed=WALLET_SEED, challenge=params["challenge"], context=V1_CONTEXTS)
    client.logout()

    response = client.post(
        params["vc_request_url"].removeprefix("https://testserver"),
        json.dumps(presentation),
        content_type="application/json",
        secure=True,
    )

    assert response.status_code == 201, response.content
    document = response.json()
    line = IssuanceLine.objects.get()
    assert document["id"] == f"urn:uuid:{line.vc_id}"
    assert document["credentialSubject"]["id"] == presentation["holder"]
    stored = badge.credential_json
    assert document["credentialSubject"]["achievement"] == stored["credentialSubject"]["achievement"]
    assert document["credentialStatus"] == stored["credentialStatus"]  # the badge's own entry
    assert document["validFrom"] == stored["validFrom"]
    assert independent.verify(document, documents=status_documents(client, document), check_status=True) == {
        "verified": True,
        "error": "",
    }

    revoke(badge)

    result = independent.verify(document, documents=status_documents(client, document), check_status=True)
    assert result == {"verified": False, "error": "revoked"}


def test_only_the_owner_may_init_and_never_for_a_revoked_badge(client, ada, badge):
    assert init(client, UserFactory(username="bob"), badge).status_code == 404
    revoke(badge)
    assert init(client, ada, badge).status_code == 404
