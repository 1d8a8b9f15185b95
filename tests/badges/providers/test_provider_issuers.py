"""Awarded and revoked badges carried to Credly and Accredible after commit (spec/badges.md §4.8, §6.3, §8.2,
§12.2 #1, #4, #5, #8), against the fake providers over real HTTP."""

import base64
import datetime
import uuid

import pytest
from django.db import transaction

from credentials.apps.badges import issuers
from credentials.apps.badges.models import AccredibleBadge, CredlyBadge
from credentials.apps.credentials.models import UserCredential
from tests.badges.providers import builders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return UserFactory(username="ada", email="ada@example.com", first_name="Ada", last_name="Lovelace", full_name="")


@pytest.fixture
def credly_template(fake_credly, site):
    organization = builders.credly_organization(fake_credly)
    return builders.credly_template(fake_credly, organization, site)


@pytest.fixture
def group(fake_accredible, site):
    return builders.accredible_group(fake_accredible, builders.accredible_config(fake_accredible), site)


def award_after_commit(template, username, django_capture_on_commit_callbacks, **fields):
    """What the pipeline does: commit the badge row, and let the issuer run once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        badge = builders.badge(template, username, **fields)
        issuers.run_after_commit(issuers.AWARD, type(badge), badge.pk)
    badge.refresh_from_db()
    return badge


def test_an_award_is_issued_at_credly_after_commit(
    fake_credly, credly_template, learner, django_capture_on_commit_callbacks
):
    badge = award_after_commit(credly_template, "ada", django_capture_on_commit_callbacks)

    [request] = fake_credly.requests
    assert (request.method, request.path) == (
        "POST",
        f"/sandbox/v1/organizations/{credly_template.organization.uuid}/badges/",
    )
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"credly-key").decode()
    assert request.body == {
        "recipient_email": "ada@example.com",
        "issued_to_first_name": "Ada",
        "issued_to_last_name": "Lovelace",
        "badge_template_id": str(credly_template.uuid),
        # The award's time, in UTC (§12.2 #8), not the template's creation time.
        "issued_at": badge.modified.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S +0000"),
    }
    assert badge.state == "pending"
    assert str(badge.external_uuid) in fake_credly.badges


def test_a_learner_without_first_and_last_name_is_named_by_username(fake_credly, credly_template, site):
    UserFactory(username="bob", email="bob@example.com", first_name="", last_name="")
    badge = builders.badge(credly_template, "bob")

    assert issuers.run(issuers.AWARD, badge)

    [issued] = fake_credly.issued()
    assert (issued["issued_to_first_name"], issued["issued_to_last_name"]) == ("bob", "bob")


def test_an_issued_badge_is_not_issued_twice(fake_credly, credly_template, learner):
    badge = builders.badge(credly_template, "ada")
    issuers.run(issuers.AWARD, badge)
    badge.refresh_from_db()

    assert issuers.run(issuers.AWARD, badge)

    assert len(fake_credly.issued()) == 1


def test_a_badge_revoked_at_credly_is_never_issued_again(fake_credly, credly_template, learner):
    badge = builders.badge(credly_template, "ada", state="revoked", external_uuid=uuid.uuid4())

    issuers.run(issuers.AWARD, badge)

    assert fake_credly.requests == []
    badge.refresh_from_db()
    assert badge.state == "revoked"


def test_a_revocation_is_sent_to_credly(fake_credly, credly_template, learner):
    badge = builders.badge(credly_template, "ada")
    issuers.run(issuers.AWARD, badge)
    UserCredential.objects.filter(pk=badge.pk).update(status=UserCredential.REVOKED)
    badge.refresh_from_db()

    assert issuers.run(issuers.REVOKE, badge)

    request = fake_credly.requests[-1]
    assert (request.method, request.path) == (
        "PUT",
        f"/sandbox/v1/organizations/{credly_template.organization.uuid}/badges/{badge.external_uuid}/revoke/",
    )
    assert request.body == {"reason": "Open edX internal user credential was revoked"}
    badge.refresh_from_db()
    assert badge.state == "revoked"
    assert fake_credly.badges[str(badge.external_uuid)]["state"] == "revoked"


def test_a_badge_never_issued_is_revoked_without_calling_credly(fake_credly, credly_template, learner):
    badge = builders.badge(credly_template, "ada", status=UserCredential.REVOKED)

    assert issuers.run(issuers.REVOKE, badge)

    assert fake_credly.requests == []


@pytest.mark.parametrize("failure", [503, 422, "disconnect"])
def test_a_credly_failure_leaves_the_award_committed_in_state_error(
    fake_credly, credly_template, learner, failure, django_capture_on_commit_callbacks
):
    fake_credly.fail_next(failure, method="POST")

    badge = award_after_commit(credly_template, "ada", django_capture_on_commit_callbacks)

    assert (badge.status, badge.state, badge.external_uuid) == ("awarded", "error", None)
    assert fake_credly.issued() == []


def test_a_preconfigured_organization_calls_credly_with_the_settings_key(fake_credly, site, learner, settings):
    organization = builders.credly_organization(fake_credly, api_key="from-settings", stored_key="")
    settings.BADGES_CONFIG["credly"]["ORGANIZATIONS"] = {str(organization.uuid): "from-settings"}
    template = builders.credly_template(fake_credly, organization, site)

    assert issuers.run(issuers.AWARD, builders.badge(template, "ada"))

    assert fake_credly.requests[0].headers["Authorization"] == "Basic " + base64.b64encode(b"from-settings").decode()
    assert len(fake_credly.issued()) == 1


def test_an_award_is_issued_at_accredible(fake_accredible, group, learner, django_capture_on_commit_callbacks):
    learner.full_name = "Ada King"
    learner.save()

    badge = award_after_commit(group, "ada", django_capture_on_commit_callbacks)

    [request] = fake_accredible.requests
    assert (request.method, request.path) == ("POST", "/sandbox/v1/credentials")
    assert request.headers["Authorization"] == "Bearer accredible-key"
    assert request.body == {
        "credential": {
            "recipient": {"name": "Ada King", "email": "ada@example.com"},
            "group_id": group.pk,
            "name": "Data Science",
            "issued_on": badge.modified.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S +0000"),
            "complete": True,
        }
    }
    assert badge.state == "accepted"
    assert badge.external_id in fake_accredible.credentials


def test_a_revocation_expires_the_accredible_credential_in_utc(fake_accredible, group, learner):
    badge = builders.badge(group, "ada")
    issuers.run(issuers.AWARD, badge)
    UserCredential.objects.filter(pk=badge.pk).update(status=UserCredential.REVOKED)
    badge.refresh_from_db()
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    assert issuers.run(issuers.REVOKE, badge)

    request = fake_accredible.requests[-1]
    assert (request.method, request.path) == ("PATCH", f"/sandbox/v1/credentials/{badge.external_id}")
    expired_on = request.body["credential"]["expired_on"]
    assert expired_on.endswith(" +0000")
    assert datetime.datetime.strptime(expired_on, "%Y-%m-%d %H:%M:%S %z") >= before
    badge.refresh_from_db()
    assert badge.state == "expired"


def test_an_expired_accredible_badge_is_never_issued_again(fake_accredible, group, learner):
    badge = builders.badge(group, "ada", state="expired", external_id=77)

    issuers.run(issuers.AWARD, badge)

    assert fake_accredible.requests == []
    assert AccredibleBadge.objects.get(pk=badge.pk).state == "expired"


def test_an_accredible_failure_leaves_state_error(fake_accredible, group, learner, django_capture_on_commit_callbacks):
    fake_accredible.fail_next(500)

    badge = award_after_commit(group, "ada", django_capture_on_commit_callbacks)

    assert (badge.status, badge.state, badge.external_id) == ("awarded", "error", None)


def test_a_learner_without_an_email_is_an_error_without_a_call(fake_credly, credly_template):
    badge = builders.badge(credly_template, "ghost")

    assert not issuers.run(issuers.AWARD, badge)

    assert fake_credly.requests == []
    assert CredlyBadge.objects.get(pk=badge.pk).state == "error"
