"""``POST /badges/credly/webhook/`` (spec/badges.md §7, §12.2 #6): the event is fetched back from the fake
Credly and dispatched on the fetched type."""

import uuid

import pytest

from credentials.apps.badges.models import CredlyBadgeTemplate
from tests.badges.fakes.server import DISCONNECT
from tests.badges.providers import builders

pytestmark = pytest.mark.django_db

URL = "/badges/credly/webhook/"


@pytest.fixture
def organization(fake_credly):
    return builders.credly_organization(fake_credly)


def notify(client, organization_id, event_id, event_type="badge_template.created", **kwargs):
    body = {
        "id": event_id,
        "organization_id": str(organization_id),
        "event_type": event_type,
        "occurred_at": "2024-06-11T17:18:00Z",
    }
    return client.post(URL, body, content_type=kwargs.pop("content_type", "application/json"), **kwargs)


def test_created_adds_an_inactive_template_on_the_request_s_site(client, site, fake_credly, organization):
    template = fake_credly.add_template(str(organization.uuid), name="Fresh")
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.created", template)

    response = notify(client, organization.uuid, event_id)

    assert response.status_code == 204
    assert response.content == b""
    row = CredlyBadgeTemplate.objects.get(uuid=template["id"])
    assert (row.name, row.state, row.is_active, row.site, row.organization) == (
        "Fresh",
        "active",
        False,
        site,
        organization,
    )
    assert str(row.icon) == template["image_url"]
    assert fake_credly.calls() == [("GET", f"/sandbox/v1/organizations/{organization.uuid}/events/{event_id}/")]


def test_changed_updates_and_deactivates_a_template_credly_no_longer_issues(client, site, fake_credly, organization):
    row = builders.credly_template(fake_credly, organization, site, name="Before")
    template = fake_credly.templates[str(organization.uuid)][0]
    template.update(name="After", state="archived")
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.changed", template)

    assert notify(client, organization.uuid, event_id, "badge_template.changed").status_code == 204

    row.refresh_from_db()
    assert (row.name, row.state, row.is_active) == ("After", "archived", False)


def test_dispatch_follows_the_fetched_event_type_not_the_posted_one(client, site, fake_credly, organization):
    row = builders.credly_template(fake_credly, organization, site, name="Keep me")
    template = fake_credly.templates[str(organization.uuid)][0]
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.changed", template)

    assert notify(client, organization.uuid, event_id, "badge_template.deleted").status_code == 204

    assert CredlyBadgeTemplate.objects.filter(pk=row.pk).exists()


def test_deleted_removes_a_template_without_badges(client, site, fake_credly, organization):
    row = builders.credly_template(fake_credly, organization, site)
    template = fake_credly.templates[str(organization.uuid)][0]
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.deleted", template)

    assert notify(client, organization.uuid, event_id, "badge_template.deleted").status_code == 204

    assert not CredlyBadgeTemplate.objects.filter(pk=row.pk).exists()


def test_deleted_archives_a_template_learners_hold_badges_of(client, site, fake_credly, organization):
    row = builders.credly_template(fake_credly, organization, site)
    badge = builders.badge(row, "learner")
    template = fake_credly.templates[str(organization.uuid)][0]
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.deleted", template)

    assert notify(client, organization.uuid, event_id, "badge_template.deleted").status_code == 204

    row.refresh_from_db()
    assert (row.state, row.is_active) == ("archived", False)
    badge.refresh_from_db()
    assert badge.credential == row


def test_an_unknown_event_type_is_logged_and_acknowledged(client, site, fake_credly, organization, caplog):
    template = fake_credly.add_template(str(organization.uuid))
    event_id = fake_credly.add_event(str(organization.uuid), "badge.issued", template)

    assert notify(client, organization.uuid, event_id, "badge.issued").status_code == 204

    assert "Unknown event type: badge.issued" in caplog.text
    assert not CredlyBadgeTemplate.objects.exists()


def test_an_unknown_organization_is_404_without_asking_credly(client, site, fake_credly):
    assert notify(client, uuid.uuid4(), str(uuid.uuid4())).status_code == 404
    assert fake_credly.requests == []


def test_a_template_owned_by_an_unknown_organization_is_404(client, site, fake_credly, organization):
    stranger = fake_credly.add_organization(name="Stranger")
    template = fake_credly.add_template(stranger)
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.created", template)

    assert notify(client, organization.uuid, event_id).status_code == 404
    assert not CredlyBadgeTemplate.objects.exists()


@pytest.mark.parametrize("failure", [500, 401, DISCONNECT])
def test_credly_failing_to_answer_is_502(client, site, fake_credly, organization, failure):
    template = fake_credly.add_template(str(organization.uuid))
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.created", template)
    fake_credly.fail_next(failure)

    assert notify(client, organization.uuid, event_id).status_code == 502
    assert not CredlyBadgeTemplate.objects.exists()


def test_an_event_credly_does_not_know_is_502(client, site, fake_credly, organization):
    assert notify(client, organization.uuid, str(uuid.uuid4())).status_code == 502


@pytest.mark.parametrize(
    "body",
    [{}, {"id": "x", "organization_id": "y"}, {"id": "../../badges/", "organization_id": str(uuid.uuid4())}, []],
)
def test_a_body_without_uuids_is_400(client, site, fake_credly, body):
    assert client.post(URL, body, content_type="application/json").status_code == 400
    assert fake_credly.requests == []


def test_a_form_encoded_notice_is_accepted(client, site, fake_credly, organization):
    template = fake_credly.add_template(str(organization.uuid), name="Form")
    event_id = fake_credly.add_event(str(organization.uuid), "badge_template.created", template)

    response = client.post(URL, {"id": event_id, "organization_id": str(organization.uuid)})

    assert response.status_code == 204
    assert CredlyBadgeTemplate.objects.filter(name="Form").exists()


def test_only_post_is_allowed(client, site):
    assert client.get(URL).status_code == 405
