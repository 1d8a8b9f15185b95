"""The language of an answer: from the language cookie or Accept-Language, said in Content-Language; URLs
carry no language prefix (core.middleware.LocaleMiddleware rests on that)."""

import pytest
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used

pytestmark = pytest.mark.django_db

URL = "/api/v2/grades/"


def test_no_url_has_a_language_prefix():
    assert is_language_prefix_patterns_used(settings.ROOT_URLCONF) == (False, False)


def test_an_api_error_is_in_the_language_the_client_accepts(api_client, lms, site):
    response = api_client.post(URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="es", **lms)

    assert response.status_code == 400
    assert response.json()["username"] == ["Este campo es requerido."]
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


def test_the_language_cookie_wins_over_accept_language(api_client, lms, site):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = api_client.post(URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en", **lms)

    assert response.json()["username"] == ["Este campo es requerido."]
    assert response["Content-Language"] == "es"


def test_without_a_preference_answers_are_in_the_default_language(api_client, lms, site):
    response = api_client.post(URL, {}, format="json", **lms)

    assert response.json()["username"] == ["This field is required."]
    assert response["Content-Language"] == settings.LANGUAGE_CODE


def test_a_path_starting_with_a_language_code_is_not_a_language_prefix(client, site):
    assert client.get("/es/records/").status_code == 404
