"""The user a JWT names is kept in the cache between requests (core/jwt_users.py); any change to that user,
its groups or their permissions is seen by the next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from rest_framework.test import APIClient

from credentials.apps.core import jwt_users
from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.core.models import User
from credentials.apps.records.api import replace_usernames
from tests.jwt_helpers import auth_header, make_token, service_worker_header

pytestmark = pytest.mark.django_db

LIST = "/api/v2/credentials/?username=bob"


def test_a_deactivated_user_is_refused_at_the_next_request(site):
    client, headers = APIClient(), service_worker_header()
    assert client.get(LIST, **headers).status_code == 200

    user = User.objects.get(username="lms_worker")
    user.is_active = False
    user.save()

    assert client.get(LIST, **headers).status_code in (401, 403)


def test_a_permission_taken_from_the_admins_group_is_seen_at_the_next_request(site):
    client, headers = APIClient(), service_worker_header()
    assert client.get(LIST, **headers).status_code == 200

    Group.objects.get(name=ADMINS_GROUP).permissions.remove(Permission.objects.get(codename="view_usercredential"))

    assert client.get(LIST, **headers).status_code == 403


def test_changed_claims_are_copied_although_the_user_is_cached(site):
    client = APIClient()
    assert client.get("/api/v2/credentials/?username=carol", **auth_header(make_token("carol"))).status_code == 200

    headers = auth_header(make_token("carol", email="carol@new.example.com"))
    assert client.get("/api/v2/credentials/?username=carol", **headers).status_code == 200

    assert User.objects.get(username="carol").email == "carol@new.example.com"


def test_a_retired_username_no_longer_names_the_renamed_user(site):
    client = APIClient()
    headers = auth_header(make_token("dave"))
    assert client.get("/api/v2/credentials/?username=dave", **headers).status_code == 200
    renamed = User.objects.get(username="dave")

    replace_usernames([{"dave": "retired_dave"}])
    assert client.get("/api/v2/credentials/?username=dave", **headers).status_code == 200

    assert User.objects.get(username="retired_dave").pk == renamed.pk
    assert User.objects.get(username="dave").pk != renamed.pk  # the old name's token made a new account


@pytest.mark.parametrize("stored", [b"pickled by another release", {"user": "another shape"}])
def test_an_entry_of_another_shape_under_the_users_key_is_synced_again_not_a_500(site, stored):
    client, headers = APIClient(), service_worker_header()
    assert client.get(LIST, **headers).status_code == 200
    cache.set(jwt_users._key("lms_worker"), stored, 60)  # what another release may have left there

    assert client.get(LIST, **headers).status_code == 200
    assert cache.get(jwt_users._key("lms_worker"))["user"].username == "lms_worker"
