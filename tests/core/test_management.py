import pytest
from django.core.cache import cache

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client, site):
    response = client.get("/management/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/management/")


def test_staff_who_are_not_superusers_are_refused(client, site):
    client.force_login(UserFactory(is_staff=True))

    assert client.get("/management/").status_code == 403
    assert client.post("/management/", {"action": "clear_cache"}).status_code == 403


def test_superuser_clears_the_cache(client, site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    cache.set("some-key", "some-value")

    response = client.post("/management/", {"action": "clear_cache"})

    assert response.status_code == 200
    assert "Cache cleared." in response.content.decode()
    assert cache.get("some-key") is None


def test_an_unknown_action_is_reported_and_changes_nothing(client, site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    cache.set("some-key", "some-value")

    response = client.post("/management/", {"action": "<b>explode</b>"})

    assert response.status_code == 200
    assert "&lt;b&gt;explode&lt;/b&gt; is not a valid action." in response.content.decode()
    assert cache.get("some-key") == "some-value"


def test_favicon_redirects_permanently(client, settings):
    settings.FAVICON_URL = "https://cdn.example.com/favicon.ico"

    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (301, "https://cdn.example.com/favicon.ico")


def test_favicon_is_gone_when_none_is_configured(client, settings):
    settings.FAVICON_URL = ""

    assert client.get("/favicon.ico").status_code == 410
