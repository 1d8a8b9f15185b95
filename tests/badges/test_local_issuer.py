"""The ``openedx`` issuer: a badge signed by this service as an Open Badges 3.0 credential, with the same issuer,
proof and status list as certificates (spec/badges.md §12.4, spec/verifiable.md §9-12), checked by Digital
Bazaar's verifier; revoked through the status list; awarded again as a fresh credential."""

import copy
from datetime import timedelta

import pytest
import responses
from django.test import override_settings

from credentials.apps.badges import issuers
from credentials.apps.badges.local_issuer import LocalIssuer
from credentials.apps.badges.models import LocalBadge, LocalBadgeTemplate
from credentials.apps.verifiable.models import Issuer, StatusListEntry
from tests.badges.conftest import failed, make_template, passed
from tests.badges.local_helpers import award, local_template, revoke
from tests.factories import UserFactory
from tests.verifiable import independent

pytestmark = pytest.mark.django_db

BASE = "https://testserver"


@pytest.fixture(autouse=True)
def _no_network():
    """Outbound HTTP raises: nothing in issuing a badge may call another service."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", full_name="Ada Lovelace", email="Ada@Example.com")


@pytest.fixture
def template(site):
    return local_template(site, tags=["data", "python"], criteria_url="https://example.com/criteria")


def status_documents(client, document):
    """The status list the credential points at, as the service serves it (for the offline verifier)."""
    url = document["credentialStatus"]["statusListCredential"]
    response = client.get(url.removeprefix(BASE), secure=True)
    assert response.status_code == 200
    return {url: response.json()}


def test_an_awarded_badge_is_a_signed_open_badge_credential(site, ada, template):
    badge = award(template, "ada")

    assert badge.state == LocalBadge.STATE_ISSUED
    assert badge.issued_at is not None and badge.expires_at is None
    document = badge.credential_json
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"urn:uuid:{badge.uuid}"
    assert document["name"] == "Data Wrangler"
    assert document["validFrom"] == badge.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "validUntil" not in document
    issuer = document["issuer"]
    assert issuer["id"].startswith("did:key:z6Mk") and issuer["type"] == ["Profile"]
    assert issuer["name"] == "Test Platform"
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0] == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Ada Lovelace",
    }
    assert subject["identifier"][1]["identityType"] == "emailAddress"
    assert "ada@example.com" not in str(document).lower()
    achievement = subject["achievement"]
    assert achievement["id"] == f"{BASE}/badges/achievements/{template.uuid.hex}/"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Data Wrangler"
    assert achievement["description"] == "Cleans and reshapes data sets."
    assert achievement["criteria"] == {
        "narrative": "Pass the Data Wrangling course.",
        "id": "https://example.com/criteria",
    }
    assert achievement["image"]["type"] == "Image"
    assert achievement["image"]["id"].startswith(f"{BASE}/media/badge_templates/icons/")
    assert achievement["tag"] == ["data", "python"]
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].startswith(f"{BASE}/verifiable_credentials/api/v1/status-lists/")
    assert int(status["statusListIndex"]) == badge.status_list_index
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"].split("#")[0] == issuer["id"]


def test_the_independent_verifier_accepts_it_and_sees_its_revocation(client, site, ada, template):
    badge = award(template, "ada")
    document = badge.credential_json

    assert independent.verify(document, documents=status_documents(client, document), check_status=True) == {
        "verified": True,
        "error": "",
    }

    revoked = revoke(badge)

    assert revoked.state == LocalBadge.STATE_REVOKED
    assert StatusListEntry.objects.get(credential_id=badge.pk).revoked_at is not None
    result = independent.verify(document, documents=status_documents(client, document), check_status=True)
    assert result == {"verified": False, "error": "revoked"}
    assert independent.verify(document, proof_only=True)["verified"] is True  # only the list says revoked


def test_a_tampered_badge_fails_the_independent_verifier(client, site, ada, template):
    document = award(template, "ada").credential_json
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["achievement"]["name"] = "Grand Master of Data"
    assert independent.verify(tampered, documents=status_documents(client, document))["verified"] is False


def test_re_awarding_signs_a_fresh_credential_on_the_same_row(client, site, ada, template):
    first = award(template, "ada")
    old = first.credential_json
    revoke(first)

    again = award(template, "ada")

    assert again.pk == first.pk and again.state == LocalBadge.STATE_ISSUED
    new = again.credential_json
    assert new["credentialStatus"]["id"] != old["credentialStatus"]["id"]  # the old bit stays set
    assert new["proof"]["proofValue"] != old["proof"]["proofValue"]
    assert independent.verify(new, documents=status_documents(client, new), check_status=True)["verified"] is True
    assert StatusListEntry.objects.filter(credential_id=first.pk).count() == 2


def test_valid_days_set_valid_until(site, ada):
    badge = award(local_template(site, valid_days=30), "ada")
    assert badge.expires_at == badge.issued_at + timedelta(days=30)
    assert badge.credential_json["validUntil"] == badge.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_learner_without_a_name_is_named_by_username(site, template):
    UserFactory(username="ghost", full_name="", first_name="", last_name="")
    document = award(template, "ghost").credential_json
    assert document["credentialSubject"]["identifier"][0] == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "ghost",
    }


def test_without_description_the_achievement_is_described_by_its_criteria(site, ada):
    badge = award(local_template(site, description=""), "ada")
    achievement = badge.credential_json["credentialSubject"]["achievement"]
    assert achievement["description"] == "Pass the Data Wrangling course."
    assert badge.credential_json["description"] == "Pass the Data Wrangling course."


def test_a_site_without_verifiable_credentials_leaves_the_badge_in_error(site, ada, template):
    Issuer.objects.create(site=site, enabled=False)
    badge = award(template, "ada")
    assert badge.state == LocalBadge.STATE_ERROR and badge.credential_json is None


def test_a_revoked_badge_is_not_signed_by_a_late_award(site, ada, template):
    badge = revoke(award(template, "ada"))
    signed = badge.credential_json
    issuers.run(issuers.AWARD, badge)  # an award scheduled before the revocation commits, running late
    assert LocalBadge.objects.get(pk=badge.pk).credential_json == signed
    assert LocalBadge.objects.get(pk=badge.pk).state == LocalBadge.STATE_REVOKED


def test_revoke_certificates_revokes_an_issued_local_badge_in_state_and_status_list(client, site, ada, template):
    from django.core.management import call_command

    ada.lms_user_id = 5
    ada.save()
    badge = award(template, "ada")
    call_command(
        "revoke_certificates", "--credential_type", "localbadgetemplate", "--credential_id", str(template.pk),
        "--lms_user_ids", "5",
    )  # fmt: skip

    badge.refresh_from_db()
    assert (badge.status, badge.state) == ("revoked", LocalBadge.STATE_REVOKED)
    assert StatusListEntry.objects.get(credential_id=badge.pk).revoked_at is not None
    document = badge.credential_json
    result = independent.verify(document, documents=status_documents(client, document), check_status=True)
    assert result == {"verified": False, "error": "revoked"}


@override_settings(VERIFIABLE_CREDENTIALS={"PUBLIC_BASE_URL": "https://badges.example.org"})
def test_urls_in_the_credential_use_the_public_base_url(site, ada, template):
    document = award(template, "ada").credential_json
    assert document["credentialSubject"]["achievement"]["id"].startswith("https://badges.example.org/badges/")
    assert document["credentialStatus"]["statusListCredential"].startswith("https://badges.example.org/")


def test_the_openedx_origin_is_registered():
    assert isinstance(issuers.get(LocalBadgeTemplate.ORIGIN), LocalIssuer)


def test_a_passing_event_from_the_lms_ends_in_a_verifiable_badge_and_a_failing_one_revokes_it(client, site, badges):
    """The whole way: the fake LMS publishes with the real libraries to Redis, our consumer processes, the
    issuer signs after commit; the penalty's event revokes, and the independent verifier sees both."""
    course = "course-v1:edX+Wrangling+2026"
    template = make_template(
        site,
        [("A", passed(course))],
        penalties=[(failed(course), [0])],
        name="Data Wrangler",
        description="Cleans data.",
        criteria_narrative="Pass Data Wrangling.",
        icon=local_template(site, is_active=False).icon.name,
    )

    badges.passing(username="ada", course_key=course, name="Ada Lovelace", email="ada@example.org")
    assert badges.consume() == {"ok": 1}

    badge = LocalBadge.objects.get(credential_id=template.pk, username="ada")
    assert (badge.status, badge.state) == ("awarded", "issued")
    document = badge.credential_json
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "Ada Lovelace"
    documents = status_documents(client, document)
    assert independent.verify(document, documents=documents, check_status=True) == {"verified": True, "error": ""}
    assert [kind for kind, _ in badges.produced()] == ["awarded"]

    badges.failing(username="ada", course_key=course)
    badges.consume()

    badge.refresh_from_db()
    assert (badge.status, badge.state) == ("revoked", "revoked")
    result = independent.verify(document, documents=status_documents(client, document), check_status=True)
    assert result == {"verified": False, "error": "revoked"}
