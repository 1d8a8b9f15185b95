"""An LMS identity never takes over a local account (issue 14, DESIGN.md §5.16).

A local superuser made with ``createsuperuser`` must survive an LMS learner of the same username signing in
through SSO or calling the API with an ordinary LMS JWT; an LMS user renamed by the LMS (same id, new username)
keeps their credentials.
"""

import logging
from urllib.parse import quote

import pytest
import responses

from credentials.apps.core.models import User
from tests.core.test_sso import FakeLms, sign_in_through_lms
from tests.factories import ProgramCertificateFactory, UserCredentialFactory, UserFactory
from tests.jwt_helpers import auth_header, make_token, service_worker_header

pytestmark = pytest.mark.django_db


def local_superuser(username="admin"):
    """What ``manage.py createsuperuser`` makes: a password, staff and superuser flags, no LMS link."""
    user = UserFactory(username=username, email="admin@local.example", linked_to_lms=False, lms_user_id=None)
    user.is_staff = user.is_superuser = True
    user.set_password("a-long-local-password")
    user.save()
    return user


def passwordless(**fields):
    user = UserFactory(linked_to_lms=False, **fields)
    user.set_unusable_password()
    user.save()
    return user


def assert_untouched(user):
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.username, fresh.email, fresh.is_staff, fresh.is_superuser, fresh.linked_to_lms) == (
        user.username,
        user.email,
        True,
        True,
        False,
    )
    assert fresh.lms_user_id is None
    assert fresh.check_password("a-long-local-password")


# --- JWT ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_id", [4242, ...], ids=["with user_id", "without user_id"])
def test_a_learner_jwt_naming_a_local_superuser_is_refused_and_changes_nothing(api_client, site, caplog, user_id):
    admin = local_superuser()
    program = ProgramCertificateFactory(site=site)
    token = make_token("admin", administrator=False, email="mallory@evil.example", user_id=user_id)

    with caplog.at_level(logging.WARNING, logger="credentials.apps.core.identity"):
        issue = api_client.post(
            "/api/v2/credentials/",
            {"username": "mallory", "credential": {"program_uuid": str(program.program_uuid)}, "attributes": []},
            format="json",
            **auth_header(token),
        )
        listing = api_client.get("/api/v2/credentials/?username=admin", **auth_header(token))

    assert issue.status_code == 401
    assert "local account" in issue.json()["detail"]
    assert listing.status_code == 401
    assert_untouched(admin)
    assert not User.objects.filter(email="mallory@evil.example").exists()
    assert any(
        "Refused JWT sign-in of LMS user admin" in r.getMessage() and "local account" in r.getMessage()
        for r in caplog.records
    )


def test_an_administrator_jwt_naming_a_local_superuser_is_refused_too(api_client, site):
    admin = local_superuser()

    response = api_client.get("/api/v2/", **service_worker_header("admin"))

    assert response.status_code == 401
    assert_untouched(admin)


def test_a_local_staff_account_without_a_password_is_not_taken_either(api_client, site):
    staff = passwordless(username="ops", is_staff=True)

    assert api_client.get("/api/v2/", **auth_header(make_token("ops", user_id=5))).status_code == 401

    staff.refresh_from_db()
    assert staff.is_staff and not staff.linked_to_lms and staff.lms_user_id is None


def test_a_plain_passwordless_account_is_linked_on_first_use(api_client, site):
    plain = passwordless(username="carol")

    assert api_client.get("/api/v2/", **auth_header(make_token("carol", user_id=31))).status_code == 200

    plain.refresh_from_db()
    assert (plain.linked_to_lms, plain.lms_user_id) == (True, 31)


def test_an_operator_may_link_a_local_account_on_purpose(api_client, site):
    admin = local_superuser()
    User.objects.filter(pk=admin.pk).update(linked_to_lms=True)

    response = api_client.get("/api/v2/", **auth_header(make_token("admin", user_id=9, administrator=False)))

    assert response.status_code == 200
    admin.refresh_from_db()
    # Linked, so the administrator claim governs is_staff; is_superuser is never taken from a token.
    assert (admin.is_staff, admin.is_superuser, admin.lms_user_id) == (False, True, 9)


def test_a_jwt_never_raises_is_superuser(api_client, site):
    token = make_token("eve", user_id=12, administrator=True, superuser=True)

    assert api_client.get("/api/v2/", **auth_header(token)).status_code == 200

    eve = User.objects.get(username="eve")
    assert (eve.is_staff, eve.is_superuser, eve.linked_to_lms) == (True, False, True)


def test_another_lms_user_reusing_a_linked_username_is_refused(api_client, site):
    UserFactory(username="bob", lms_user_id=100)

    response = api_client.get("/api/v2/", **auth_header(make_token("bob", user_id=101)))

    assert response.status_code == 401
    assert User.objects.get(username="bob").lms_user_id == 100


def test_a_renamed_lms_user_keeps_their_credentials_before_and_after_replace_usernames(api_client, site, settings):
    """The LMS renames bob to robert (same id): his tokens find his account by id, so his credentials stay his;
    once the retirement pipeline calls replace_usernames, the account and credentials carry the new name."""
    UserFactory(username="bob", lms_user_id=100)
    credential = UserCredentialFactory(username="bob", credential=ProgramCertificateFactory(site=site))
    renamed = auth_header(make_token("robert", user_id=100))

    before = api_client.get("/api/v2/credentials/?username=bob", **renamed)

    assert before.status_code == 200
    assert [item["uuid"] for item in before.json()["results"]] == [str(credential.uuid)]
    assert not User.objects.filter(username="robert").exists()  # no second, empty account

    worker = auth_header(make_token(settings.USERNAME_REPLACEMENT_WORKER))
    replaced = api_client.post(
        "/api/v2/replace_usernames/", {"username_mappings": [{"bob": "robert"}]}, format="json", **worker
    )
    assert replaced.status_code == 200
    after = api_client.get("/api/v2/credentials/?username=robert", **renamed)

    assert after.status_code == 200
    assert [item["uuid"] for item in after.json()["results"]] == [str(credential.uuid)]
    assert User.objects.filter(lms_user_id=100).count() == 1


# --- SSO ----------------------------------------------------------------------------------------------------


@responses.activate
def test_sso_of_a_learner_named_like_a_local_superuser_is_a_403_page(client, site, caplog):
    admin = local_superuser("newlearner")
    FakeLms(responses.mock, email="mallory@evil.example", administrator=False)

    with caplog.at_level(logging.WARNING, logger="credentials.apps.core.identity"):
        response = sign_in_through_lms(client)

    assert response.status_code == 403
    body = response.content.decode()
    assert "We could not sign you in" in body
    assert "local account" in body
    assert "_auth_user_id" not in client.session
    assert client.get("/records/").status_code == 302  # still signed out
    assert_untouched(admin)
    assert any(
        "Refused SSO sign-in of LMS user newlearner (LMS user id 4242)" in r.getMessage() for r in caplog.records
    )


@responses.activate
def test_sso_finds_a_renamed_learner_by_lms_user_id_and_shows_their_records(client, site):
    UserFactory(username="oldname", lms_user_id=4242, full_name="Ada Lovelace")
    UserCredentialFactory(username="oldname", credential=ProgramCertificateFactory(site=site))
    FakeLms(responses.mock)  # preferred_username "newlearner", user_id 4242

    response = sign_in_through_lms(client, next_path=quote("/records/"))

    assert response.status_code == 302
    assert client.get("/records/").wsgi_request.user.username == "oldname"
    assert not User.objects.filter(username="newlearner").exists()


@responses.activate
def test_sso_after_replace_usernames_signs_in_the_renamed_account(client, site):
    UserFactory(username="newlearner", lms_user_id=4242)
    FakeLms(responses.mock)

    sign_in_through_lms(client)
    sign_in_through_lms(client)  # the association is keyed by the LMS user id now

    assert client.get("/records/").wsgi_request.user.username == "newlearner"
    assert User.objects.get(username="newlearner").social_auth.get().uid == "4242"


# --- Existing installations ---------------------------------------------------------------------------------


def test_the_migration_links_passwordless_accounts_and_leaves_local_ones_alone():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("credentials.apps.core.migrations.0005_user_linked_to_lms")
    from_jwt = passwordless(username="from_jwt", is_staff=True)  # an LMS worker made staff by its token
    local_admin = local_superuser("local_admin")
    passwordless_superuser = passwordless(username="nopass_root", is_superuser=True)

    migration.link_accounts_made_by_the_lms(apps, None)

    assert User.objects.get(pk=from_jwt.pk).linked_to_lms is True
    assert User.objects.get(pk=local_admin.pk).linked_to_lms is False
    assert User.objects.get(pk=passwordless_superuser.pk).linked_to_lms is False


def test_the_service_user_made_by_the_migrations_is_linked(settings):
    assert User.objects.get(username=settings.CREDENTIALS_SERVICE_USER).linked_to_lms is True
