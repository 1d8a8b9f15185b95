from unittest import mock

import pytest
from django.db import OperationalError

from credentials.apps.core.models import User

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"overall_status": "OK", "detailed_status": {"database_status": "OK"}}


def test_health_is_503_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("down")):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "overall_status": "UNAVAILABLE",
        "detailed_status": {"database_status": "UNAVAILABLE"},
    }


def test_auto_auth_creates_a_superuser_and_signs_it_in(client):
    response = client.get("/auto_auth/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username__startswith="auto_auth_")
    assert len(user.username) == len("auto_auth_") + 20
    assert user.is_superuser and user.is_staff
    assert client.session["_auth_user_id"] == str(user.pk)


def test_auto_auth_can_sign_in_a_plain_learner_and_go_to_next(client):
    response = client.get("/auto_auth/?username=alice&staff=false&superuser=false&next=/health/")

    assert response["Location"] == "/health/"
    alice = User.objects.get(username="alice")
    assert not alice.is_staff and not alice.is_superuser


def test_auto_auth_refuses_offsite_next(client):
    assert client.get("/auto_auth/?next=//evil.example.com/").headers["Location"] == "/"


def test_auto_auth_is_404_when_disabled(client, settings):
    settings.ENABLE_AUTO_AUTH = False

    assert client.get("/auto_auth/").status_code == 404
    assert not User.objects.filter(username__startswith="auto_auth_").exists()
