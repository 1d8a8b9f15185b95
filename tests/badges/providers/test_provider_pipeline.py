"""Passing-status events from the fake LMS, through the real Redis and our pipeline, to the fake Credly and
Accredible (spec/badges.md §4.8, §12.2 #1, #4): a provider outage delays a badge and never loses it."""

import io

import pytest
from django.core.management import call_command

from credentials.apps.badges.models import AccredibleBadge, BadgePenalty, BadgeRequirement, CredlyBadge, DataRule
from tests.badges.conftest import PASSING, passed
from tests.badges.fakes.server import DISCONNECT
from tests.badges.providers import builders

pytestmark = pytest.mark.django_db

COURSE = "course-v1:edX+Badges+1"


def with_requirement(template, *, penalty_on_failure=False):
    requirement = BadgeRequirement.objects.create(template=template, event_type=PASSING, blend="A")
    for path, operator, value in passed(COURSE):
        DataRule.objects.create(requirement=requirement, data_path=path, operator=operator, value=value)
    if penalty_on_failure:
        penalty = BadgePenalty.objects.create(template=template, event_type=PASSING)
        penalty.requirements.set([requirement])
        penalty.rules.create(data_path="is_passing", operator="eq", value="false")
    return template


def retry():
    out = io.StringIO()
    call_command("retry_badge_issuing", stdout=out)
    return out.getvalue()


def test_an_award_during_a_credly_outage_is_issued_by_the_retry_and_revoked_later(site, badges, fake_credly):
    template = with_requirement(
        builders.credly_template(fake_credly, builders.credly_organization(fake_credly), site), penalty_on_failure=True
    )
    fake_credly.fail_next(DISCONNECT, method="POST")

    badges.passing(username="ada", course_key=COURSE, email="ada@example.com", name="Ada Lovelace")
    assert badges.consume() == {"ok": 1}  # the outage does not fail the event

    badge = CredlyBadge.objects.get()
    assert (badge.username, badge.status, badge.state, badge.external_uuid) == ("ada", "awarded", "error", None)
    assert [kind for kind, _ in badges.produced()] == ["awarded"]
    assert fake_credly.issued() == []

    assert "1 badges retried, 0 failed." in retry()

    badge.refresh_from_db()
    assert (badge.status, badge.state) == ("awarded", "pending")
    [issued] = fake_credly.issued()
    assert issued["recipient_email"] == "ada@example.com"
    assert issued["badge_template_id"] == str(template.uuid)
    assert (issued["issued_to_first_name"], issued["issued_to_last_name"]) == ("ada", "ada")

    badges.failing(username="ada", course_key=COURSE, email="ada@example.com")
    assert badges.consume()["ok"] == 1

    badge.refresh_from_db()
    assert (badge.status, badge.state) == ("revoked", "revoked")
    assert fake_credly.badges[str(badge.external_uuid)]["state"] == "revoked"
    assert fake_credly.calls("PUT") == [
        ("PUT", f"/sandbox/v1/organizations/{template.organization.uuid}/badges/{badge.external_uuid}/revoke/")
    ]

    # Revoked at Credly: passing again never issues it again (§12.2 #1).
    badges.passing(username="ada", course_key=COURSE, email="ada@example.com")
    assert badges.consume()["ok"] == 1
    assert len(fake_credly.issued()) == 1
    assert CredlyBadge.objects.get().status == "revoked"


def test_an_accredible_badge_is_issued_after_commit(site, badges, fake_accredible):
    config = builders.accredible_config(fake_accredible)
    group = with_requirement(builders.accredible_group(fake_accredible, config, site))

    badges.passing(username="bo", course_key=COURSE, email="bo@example.com", name="Bo Diddley")
    assert badges.consume()["ok"] == 1

    badge = AccredibleBadge.objects.get()
    assert (badge.status, badge.state) == ("awarded", "accepted")
    [issued] = fake_accredible.issued()
    assert issued["credential"]["recipient"] == {"name": "Bo Diddley", "email": "bo@example.com"}
    assert issued["credential"]["group_id"] == group.pk
    assert fake_accredible.credentials[badge.external_id]["request"] == issued
