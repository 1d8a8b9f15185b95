"""The public badge documents: the Achievement JSON, the badge page and its signed credential by content
negotiation, and the /verify/ page opening a badge by its address (spec/badges.md §12.4)."""

import json
import uuid

import pytest
import responses
from django.test import override_settings

from tests.badges.local_helpers import award, local_template, revoke
from tests.factories import SiteConfigurationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON_TYPES = ["application/vc+ld+json", "application/ld+json", "application/json"]


@pytest.fixture(autouse=True)
def _no_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def template(site):
    return local_template(
        site,
        name="Data Wrangler",
        criteria_narrative="Pass the Data Wrangling course.\nWith a grade of 80% or more.",
        tags=["data"],
    )


@pytest.fixture
def badge(site, template):
    UserFactory(username="ada", full_name="Ada Lovelace")
    return award(template, "ada")


def page_path(badge):
    return f"/badges/credentials/{badge.uuid.hex}/"


def test_the_achievement_is_public_json(client, template, badge):
    response = client.get(f"/badges/achievements/{template.uuid.hex}/", secure=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    embedded = badge.credential_json["credentialSubject"]["achievement"]
    assert {key: value for key, value in document.items() if key != "@context"} == embedded
    assert document["name"] == "Data Wrangler" and document["type"] == ["Achievement"]
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    # The hyphenated form (BadgeTemplateData.uuid in events) answers too.
    assert client.get(f"/badges/achievements/{template.uuid}/").json()["name"] == "Data Wrangler"


def test_unknown_or_other_site_achievements_are_404(client, site, template):
    assert client.get(f"/badges/achievements/{uuid.uuid4().hex}/").status_code == 404
    assert client.get("/badges/achievements/not-a-uuid/").status_code == 404
    other = SiteFactory(domain="other.example.com")
    SiteConfigurationFactory(site=other)
    assert client.get(f"/badges/achievements/{template.uuid.hex}/", HTTP_HOST="other.example.com").status_code == 404


def test_the_badge_page_shows_the_badge_to_anyone(client, template, badge):
    response = client.get(page_path(badge), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in [part.strip() for part in response["Vary"].split(",")]
    page = response.content.decode()
    assert "Data Wrangler" in page
    assert "Awarded to Ada Lovelace" in page
    assert "Pass the Data Wrangling course.<br>With a grade of 80% or more." in page
    assert f'src="http://testserver{template.icon.url}"' in page
    assert badge.issued_at.strftime("%B %-d, %Y") in page
    assert "has been revoked" not in page
    assert f'href="/badges/credentials/{badge.uuid.hex}/credential.json"' in page
    assert "style=" not in page and "<script>" not in page  # CSP: no inline styles or scripts


@pytest.mark.parametrize("accept", [*JSON_TYPES, "application/ld+json;q=0.9, text/html;q=0.5"])
def test_the_badge_page_answers_the_stored_credential_to_json_clients(client, badge, accept):
    response = client.get(page_path(badge), HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == badge.credential_json


def test_the_credential_json_link_serves_the_same_document(client, badge):
    response = client.get(f"/badges/credentials/{badge.uuid.hex}/credential.json")
    assert response.status_code == 200 and json.loads(response.content) == badge.credential_json


def test_a_revoked_badge_shows_a_banner_and_keeps_its_credential(client, badge):
    revoke(badge)

    page = client.get(page_path(badge)).content.decode()
    assert "This badge has been revoked by its issuer." in page
    assert client.get(page_path(badge), HTTP_ACCEPT="application/json").json() == badge.credential_json


def test_unknown_badges_are_404_in_every_form(client, site, badge):
    missing = uuid.uuid4().hex
    assert client.get(f"/badges/credentials/{missing}/").status_code == 404
    assert client.get(f"/badges/credentials/{missing}/", HTTP_ACCEPT="application/json").status_code == 404
    assert client.get(f"/badges/credentials/{missing}/credential.json").status_code == 404
    other = SiteFactory(domain="other.example.com")
    SiteConfigurationFactory(site=other)
    assert client.get(page_path(badge), HTTP_HOST="other.example.com").status_code == 404


def test_a_badge_not_issued_yet_has_a_page_but_no_credential(client, site, template):
    from credentials.apps.badges.models import LocalBadge

    badge = award(template, "ada")
    LocalBadge.objects.filter(pk=badge.pk).update(credential_json=None, state="error")

    assert client.get(page_path(badge)).status_code == 200
    assert client.get(page_path(badge), HTTP_ACCEPT="application/json").status_code == 404


def test_the_verify_page_opens_a_badge_by_its_address(client, badge):
    credential_url = f"https://testserver/badges/credentials/{badge.uuid.hex}/credential.json"
    page = client.get(page_path(badge), secure=True).content.decode()
    assert "/verify/?url=https%3A%2F%2Ftestserver%2Fbadges%2Fcredentials%2F" in page

    response = client.get("/verify/", {"url": credential_url}, secure=True)

    assert response.status_code == 200
    assert response.context["verification"].verified is True
    assert {check.check: check.ok for check in response.context["verification"].checks}["status"] is True
    assert "Not revoked." in response.content.decode()


def test_the_verify_page_sees_a_revoked_badge(client, badge):
    revoke(badge)
    response = client.get("/verify/", {"url": f"https://testserver{page_path(badge)}"}, secure=True)
    verification = response.context["verification"]
    assert verification.verified is False
    assert {check.check: check.detail for check in verification.checks}["status"] == "Revoked by the issuer."


def test_a_pasted_badge_verifies_on_the_verify_page(client, badge):
    response = client.post("/verify/", {"credential": json.dumps(badge.credential_json)}, secure=True)
    assert response.status_code == 200 and response.context["verification"].verified is True


@override_settings(BADGES_ENABLED=False)
def test_everything_is_404_when_badges_are_off(client, template, badge):
    for path in (f"/badges/achievements/{template.uuid.hex}/", page_path(badge)):
        assert client.get(path).status_code == 404
