"""sync_ids_from_platform, make_is_active_match_platform and truncate_social_auth (spec/integration.md §3.2)."""

import json
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.core.management import CommandError, call_command
from django.utils import timezone
from social_django.models import UserSocialAuth

from credentials.apps.core.models import User
from tests.factories import SiteConfigurationFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNTS_URL = "https://lms.example.com/api/user/v1/accounts"
TOKEN_URL = "https://test-provider/oauth2/access_token"


@pytest.fixture(autouse=True)
def _no_waits(settings):
    settings.BACKEND_SERVICE_RETRY_BACKOFF = 0


class FakeAccountsApi:
    """The LMS bulk accounts endpoint: ``?username=a,b`` → the accounts it knows, in a list."""

    def __init__(self, rsps, accounts, *, failing_batches=()):
        self.accounts = {account["username"]: account for account in accounts}
        self.requested = []
        self.failing_batches = set(failing_batches)
        rsps.add(responses.POST, TOKEN_URL, json={"access_token": "token", "expires_in": 3600})
        rsps.add_callback(responses.GET, ACCOUNTS_URL, callback=self.answer)

    def answer(self, request):
        raw_query = urlsplit(request.url).query
        usernames = parse_qs(raw_query)["username"][0].split(",")
        self.requested.append(usernames)
        if len(self.requested) in self.failing_batches:
            return 404, {}, json.dumps({"detail": "nope"})
        known = [self.accounts[name] for name in usernames if name in self.accounts]
        return 200, {"Content-Type": "application/json"}, json.dumps(known)


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def lms_site(db, settings):
    # The service user (created by a migration) already has its id, so it stays out of these runs.
    User.objects.filter(username=settings.CREDENTIALS_SERVICE_USER).update(lms_user_id=1)
    return SiteConfigurationFactory(lms_url_root="https://lms.example.com/")


@responses.activate
def test_sync_ids_fills_missing_lms_user_ids_in_batches(lms_site):
    users = [UserFactory(username=f"user{index}", lms_user_id=None) for index in range(5)]
    UserFactory(username="already", lms_user_id=99)
    lms = FakeAccountsApi(
        responses.mock,
        [{"username": f"user{index}", "id": 100 + index, "is_active": True} for index in range(4)],
    )

    out, _ = run("sync_ids_from_platform", "--batch_size", "2", "--pause_secs", "0", "--verbose")

    assert lms.requested == [["user0", "user1"], ["user2", "user3"], ["user4"]]
    assert dict(User.objects.filter(pk__in=[user.pk for user in users]).values_list("username", "lms_user_id")) == {
        "user0": 100,
        "user1": 101,
        "user2": 102,
        "user3": 103,
        "user4": None,
    }
    assert "Examined 5 users." in out
    assert "Changed the LMS user id of 4 users." in out
    assert "  user2: 102" in out
    assert "Not found in the LMS (1): user4" in out


@responses.activate
def test_sync_ids_dry_run_changes_nothing(lms_site):
    UserFactory(username="alice", lms_user_id=None)
    FakeAccountsApi(responses.mock, [{"username": "alice", "id": 7}])

    out, _ = run("sync_ids_from_platform", "--dry-run", "--pause_secs", "0")

    assert User.objects.get(username="alice").lms_user_id is None
    assert "[dry run] would change the LMS user id of 1 users." in out


@responses.activate
def test_sync_ids_respects_the_limit_and_ignores_non_positive_ids(lms_site):
    for name in ("a_user", "b_user", "c_user"):
        UserFactory(username=name, lms_user_id=None)
    lms = FakeAccountsApi(responses.mock, [{"username": "a_user", "id": 0}, {"username": "b_user", "id": 5}])

    run("sync_ids_from_platform", "--limit", "2", "--pause_secs", "0")

    assert lms.requested == [["a_user", "b_user"]]
    assert User.objects.get(username="a_user").lms_user_id is None
    assert User.objects.get(username="b_user").lms_user_id == 5


@responses.activate
def test_a_failed_batch_is_skipped_and_reported(lms_site):
    for name in ("a_user", "b_user", "c_user"):
        UserFactory(username=name, lms_user_id=None)
    FakeAccountsApi(
        responses.mock, [{"username": name, "id": 10} for name in ("a_user", "b_user", "c_user")], failing_batches={1}
    )

    out, err = run("sync_ids_from_platform", "--batch_size", "2", "--pause_secs", "0")

    assert User.objects.get(username="c_user").lms_user_id == 10
    assert User.objects.get(username="a_user").lms_user_id is None
    assert "The LMS could not be asked about 2 users" in err


@responses.activate
def test_usernames_are_encoded_so_a_plus_stays_a_plus(lms_site):
    UserFactory(username="ann+lee", lms_user_id=None)
    FakeAccountsApi(responses.mock, [{"username": "ann+lee", "id": 12}])

    run("sync_ids_from_platform", "--pause_secs", "0")

    assert responses.calls[-1].request.url.endswith("?username=ann%2Blee")
    assert User.objects.get(username="ann+lee").lms_user_id == 12


def test_without_a_site_configuration_the_command_says_so(db):
    with pytest.raises(CommandError, match="No site configuration exists"):
        run("sync_ids_from_platform")


@responses.activate
def test_make_is_active_match_platform_reactivates_only(lms_site):
    UserFactory(username="back", is_active=False)
    UserFactory(username="still_gone", is_active=False)
    UserFactory(username="active_here", is_active=True)
    lms = FakeAccountsApi(
        responses.mock,
        [
            {"username": "back", "id": 1, "is_active": True},
            {"username": "still_gone", "id": 2, "is_active": False},
            {"username": "active_here", "id": 3, "is_active": False},
        ],
    )

    out, _ = run("make_is_active_match_platform", "--pause_secs", "0")

    assert lms.requested == [["back", "still_gone"]]
    assert dict(User.objects.exclude(lms_user_id=1).values_list("username", "is_active")) == {
        "back": True,
        "still_gone": False,
        "active_here": True,  # never deactivated
    }
    assert "Changed is_active of 1 users." in out


@responses.activate
def test_make_is_active_match_platform_dry_run(lms_site):
    UserFactory(username="back", is_active=False)
    FakeAccountsApi(responses.mock, [{"username": "back", "id": 1, "is_active": True}])

    out, _ = run("make_is_active_match_platform", "--dry_run", "--pause_secs", "0")

    assert User.objects.get(username="back").is_active is False
    assert "[dry run] would change is_active of 1 users." in out


def social_auth(user, days_old):
    row = UserSocialAuth.objects.create(user=user, provider="edx-oauth2", uid=user.username, extra_data={})
    UserSocialAuth.objects.filter(pk=row.pk).update(modified=timezone.now() - timedelta(days=days_old))
    return row


def test_truncate_social_auth_deletes_associations_older_than_90_days(db):
    old = social_auth(UserFactory(username="old"), days_old=91)
    recent = social_auth(UserFactory(username="recent"), days_old=10)

    dry_out, _ = run("truncate_social_auth", "--dry-run")
    assert UserSocialAuth.objects.count() == 2
    out, _ = run("truncate_social_auth")

    assert "[dry run] would delete 1 social auth rows older than 90 days." in dry_out
    assert "Deleted 1 social auth rows older than 90 days." in out
    assert list(UserSocialAuth.objects.all()) == [recent]
    assert User.objects.filter(pk=old.user_id).exists()
