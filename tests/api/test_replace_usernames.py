"""POST /api/v2/replace_usernames/ from the retirement pipeline (spec/api.md §9)."""

import pytest

from credentials.apps.core.models import User
from credentials.apps.credentials.models import UserCredential
from credentials.apps.records.models import UserGrade
from tests.factories import UserCredentialFactory, UserFactory, UserGradeFactory
from tests.jwt_helpers import auth_header, make_token

pytestmark = pytest.mark.django_db

URL = "/api/v2/replace_usernames/"


@pytest.fixture
def worker(settings):
    return auth_header(make_token(settings.USERNAME_REPLACEMENT_WORKER))


def test_renames_the_learner_everywhere_and_clears_names(api_client, worker, site):
    UserFactory(username="alice", full_name="Alice A", first_name="Alice", email="alice@example.com")
    UserCredentialFactory(username="alice")
    UserGradeFactory(username="alice")

    response = api_client.post(
        URL, {"username_mappings": [{"alice": "retired_1"}, {"ghost": "retired_2"}]}, format="json", **worker
    )

    assert response.status_code == 200
    assert response.json() == {
        "successful_replacements": [{"alice": "retired_1"}, {"ghost": "retired_2"}],
        "failed_replacements": [],
    }
    user = User.objects.get(username="retired_1")
    assert (user.full_name, user.first_name, user.last_name, user.email) == ("", "", "", "alice@example.com")
    assert UserCredential.objects.get().username == "retired_1"
    assert UserGrade.objects.get().username == "retired_1"


def test_empty_list_is_valid(api_client, worker, site):
    assert api_client.post(URL, {"username_mappings": []}, format="json", **worker).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"username_mappings": {}}, {"username_mappings": [{}, {}]}, {"username_mappings": [{"a": "b", "c": "d"}]}, []],
)
def test_malformed_bodies_are_400_with_an_empty_body(api_client, worker, site, body):
    response = api_client.post(URL, body, format="json", **worker)

    assert response.status_code == 400
    assert response.content == b""


def test_other_users_are_403_and_anonymous_401(api_client, lms, site):
    assert api_client.post(URL, {"username_mappings": []}, format="json", **lms).status_code == 403
    assert api_client.post(URL, {"username_mappings": []}, format="json").status_code == 401


def test_session_authentication_is_not_accepted(api_client, site, settings):
    api_client.force_login(UserFactory(username=settings.USERNAME_REPLACEMENT_WORKER))

    assert api_client.post(URL, {"username_mappings": []}, format="json").status_code == 401
