"""With no LMS configured (the demo of `make run`), signing in offers the local learners through /auto_auth/
instead of sending the browser to an LMS that is not there; signing out comes back to the home page."""

import html
import re

import pytest

from credentials.apps.core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_lms(settings, site):
    settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = ""
    settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = None
    settings.SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL = None
    UserFactory(username="alice", full_name="Alice Learner")
    UserFactory(username="bob", full_name="Bob Learner")
    UserFactory(username="demo_staff", full_name="Demo Staff", is_staff=True, is_superuser=True)


def sign_in_links(response):
    return [
        html.unescape(href)
        for href in re.findall(r'class="btn btn-secondary sign-in-choice" href="([^"]+)"', response.content.decode())
    ]


def test_signed_out_records_lead_to_a_page_offering_the_demo_learners(client, no_lms):
    response = client.get("/records/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/login/?next=/records/", 302)]
    page = response.content.decode()
    assert "This server has no LMS to sign in with." in page
    assert "Continue as Alice Learner (alice)" in page and "Continue as Bob Learner (bob)" in page
    assert sign_in_links(response) == [
        "/auto_auth/?username=alice&staff=false&superuser=false&next=/records/",
        "/auto_auth/?username=bob&staff=false&superuser=false&next=/records/",
    ]
    assert "demo_staff" not in page  # staff sign in to the admin with a password


def test_choosing_a_demo_learner_signs_in_as_them_and_lands_on_next(client, no_lms):
    offered = sign_in_links(client.get("/login/?next=/records/"))[1]

    response = client.get(offered, follow=True)

    assert response.redirect_chain[-1] == ("/records/", 302)
    assert response.status_code == 200
    assert "Bob Learner" in response.content.decode()
    assert client.session["_auth_user_id"] == str(User.objects.get(username="bob").pk)
    assert not User.objects.get(username="bob").is_staff


def test_the_social_begin_url_offers_the_same_page_without_an_lms(client, no_lms):
    response = client.get("/login/edx-oauth2/?next=/records/")

    assert response.status_code == 200
    assert "Continue as Alice Learner (alice)" in response.content.decode()


def test_an_offsite_next_is_replaced_by_the_records(client, no_lms):
    links = sign_in_links(client.get("/login/?next=//evil.example.com/"))

    assert links[0].endswith("next=/records/")


def test_without_an_lms_or_auto_auth_sign_in_says_what_to_configure(client, no_lms, settings):
    settings.ENABLE_AUTO_AUTH = False

    response = client.get("/login/?next=/records/")

    assert response.status_code == 503
    assert "Sign-in is not configured on this server" in response.content.decode()
    assert "/auto_auth/" not in response.content.decode()


def test_signing_out_without_an_lms_comes_back_home(client, no_lms):
    client.force_login(User.objects.get(username="alice"))

    response = client.get("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_with_an_lms_sign_in_still_goes_to_it(client, site):
    response = client.get("/login/?next=/records/")

    assert response.status_code == 302
    assert response["Location"] == "/login/edx-oauth2/?next=/records/"
