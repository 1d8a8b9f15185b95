"""``retry_badge_issuing`` (spec/badges.md §12.2 #4): a provider outage delays badges, never loses them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from credentials.apps.badges import issuers
from credentials.apps.badges.models import AccredibleBadge, CredlyBadge
from credentials.apps.credentials.models import UserCredential
from tests.badges.fakes.server import DISCONNECT
from tests.badges.providers import builders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def retry(*args):
    out = io.StringIO()
    call_command("retry_badge_issuing", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def learners():
    return [UserFactory(username=f"learner{n}", email=f"learner{n}@example.com") for n in range(3)]


@pytest.fixture
def credly_template(fake_credly, site):
    return builders.credly_template(fake_credly, builders.credly_organization(fake_credly), site)


@pytest.fixture
def group(fake_accredible, site):
    return builders.accredible_group(fake_accredible, builders.accredible_config(fake_accredible), site)


def award(template, username, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        badge = builders.badge(template, username)
        issuers.run_after_commit(issuers.AWARD, type(badge), badge.pk)
    badge.refresh_from_db()
    return badge


def test_awards_made_during_an_outage_are_issued_by_the_retry(
    fake_credly, credly_template, learners, django_capture_on_commit_callbacks
):
    fake_credly.fail_next(DISCONNECT, method="POST", times=3)
    badges = [award(credly_template, user.username, django_capture_on_commit_callbacks) for user in learners]
    assert {(badge.status, badge.state) for badge in badges} == {("awarded", "error")}
    assert fake_credly.issued() == []

    output = retry()

    assert "3 badges retried, 0 failed." in output
    assert sorted(body["recipient_email"] for body in fake_credly.issued()) == [
        "learner0@example.com",
        "learner1@example.com",
        "learner2@example.com",
    ]
    assert set(CredlyBadge.objects.values_list("status", "state")) == {("awarded", "pending")}
    assert retry().endswith("0 badges retried, 0 failed.\n")  # nothing left, nothing issued twice
    assert len(fake_credly.issued()) == 3


def test_a_badge_still_failing_stays_in_error_and_the_command_exits_1(fake_credly, credly_template, learners):
    builders.badge(credly_template, "learner0", state="error")
    fake_credly.fail_next(503, method="POST")

    with pytest.raises(CommandError, match="1 badges still failing"):
        retry("--provider", "credly")

    assert CredlyBadge.objects.get().state == "error"
    assert "1 badges retried, 0 failed." in retry()  # the next run succeeds
    assert CredlyBadge.objects.get().state == "pending"


def test_a_revocation_that_failed_is_sent_again(fake_accredible, group, learners):
    badge = builders.badge(group, "learner0")
    issuers.run(issuers.AWARD, badge)
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    UserCredential.objects.filter(pk=badge.pk).update(status=UserCredential.REVOKED, modified=earlier)
    badge.refresh_from_db()
    fake_accredible.fail_next(502, method="PATCH")
    assert not issuers.run(issuers.REVOKE, badge)
    assert AccredibleBadge.objects.get().state == "error"

    output = retry("--provider", "accredible")

    assert f"accredible revoke {badge.uuid} (learner0): ok, state expired" in output
    assert fake_accredible.issued(expired=True) == fake_accredible.issued()
    assert AccredibleBadge.objects.get().state == "expired"


def awarded_minutes_ago(minutes, template, username, **fields):
    badge = builders.badge(template, username, **fields)
    UserCredential.objects.filter(pk=badge.pk).update(modified=timezone.now() - datetime.timedelta(minutes=minutes))
    return badge


def test_dry_run_lists_without_calling_and_limit_caps(fake_credly, fake_accredible, credly_template, group, learners):
    for user in learners:
        awarded_minutes_ago(5, credly_template, user.username, state="created")
    builders.badge(group, "learner0", state="no_response")
    builders.badge(credly_template, "gone", status=UserCredential.REVOKED)  # never reached Credly: nothing to do

    output = retry("--dry-run")

    assert output.count("would retry") == 4
    assert "4 badges to retry, 0 failed." in output
    assert fake_credly.requests == fake_accredible.requests == []

    output = retry("--limit", "2", "--provider", "credly")

    assert "2 badges retried, 0 failed." in output
    assert len(fake_credly.issued()) == 2
    assert fake_accredible.requests == []


def test_unknown_provider_is_a_usage_error():
    with pytest.raises(CommandError, match="invalid choice"):
        retry("--provider", "openbadges")


def test_badges_whose_own_provider_call_may_still_run_are_left_alone(fake_credly, credly_template, learners):
    builders.badge(credly_template, "learner0")  # just awarded, state created: its after-commit call is running
    revoked = awarded_minutes_ago(5, credly_template, "learner1")
    issuers.run(issuers.AWARD, revoked)
    UserCredential.objects.filter(pk=revoked.pk).update(status=UserCredential.REVOKED, modified=timezone.now())

    assert "0 badges retried, 0 failed." in retry()
    assert len(fake_credly.requests) == 1  # only the award above

    stuck = awarded_minutes_ago(3, credly_template, "learner2")
    assert f"credly award {stuck.uuid} (learner2): ok, state pending" in retry()
