"""Admin password sign-in: failed attempts are throttled per account and per address (django-axes), and
weak passwords are refused (issue 14)."""

import pytest

from credentials.apps.core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_account(site):
    user = UserFactory(username="root", linked_to_lms=False, is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, address="203.0.113.7", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def test_the_right_password_signs_in(client, admin_account):
    assert sign_in(client, "root", PASSWORD).status_code == 302


def test_after_the_failure_limit_even_the_right_password_is_refused_for_that_account(client, admin_account, settings):
    statuses = [
        sign_in(client, "root", f"guess-{attempt}", address=f"198.51.100.{attempt}").status_code
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then locked

    # From yet another address (a botnet spreads its guesses): the account itself is locked.
    response = sign_in(client, "root", PASSWORD, address="192.0.2.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_after_the_failure_limit_that_address_is_refused_for_every_account(client, admin_account, settings):
    other = UserFactory(username="other_admin", linked_to_lms=False, is_staff=True)
    other.set_password(PASSWORD)
    other.save()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{attempt}", "guess", address="203.0.113.50")

    assert sign_in(client, "other_admin", PASSWORD, address="203.0.113.50").status_code == 429
    assert sign_in(client, "other_admin", PASSWORD, address="203.0.113.51").status_code == 302


def test_behind_the_trusted_proxy_the_forwarded_address_is_throttled_not_the_proxy(client, admin_account, settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.2"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{attempt}", "guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")

    # Another visitor through the same proxy still signs in.
    assert sign_in(client, "root", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.67").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, admin_account, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "root", f"guess-{attempt}")
    assert sign_in(client, "root", PASSWORD).status_code == 302
    client.logout()

    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "root", f"guess-{attempt}")
    assert sign_in(client, "root", PASSWORD).status_code == 302


@pytest.mark.parametrize("weak", ["password", "12345678", "qwertyuiop"])
def test_the_admin_user_form_refuses_common_and_numeric_passwords(client, admin_account, weak):
    client.force_login(admin_account)

    response = client.post("/admin/core/user/add/", {"username": "newadmin", "password1": weak, "password2": weak})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "password2" in errors or "password1" in errors
    assert not User.objects.filter(username="newadmin").exists()


def test_changing_a_password_to_a_numeric_one_is_refused(client, admin_account):
    client.force_login(admin_account)

    response = client.post(
        f"/admin/core/user/{admin_account.pk}/password/", {"password1": "12345678", "password2": "12345678"}
    )

    assert response.status_code == 200
    admin_account.refresh_from_db()
    assert admin_account.check_password(PASSWORD)
