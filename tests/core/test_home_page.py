"""``/``: what this service is and where to go; the demo's links under `make run`, sensible links elsewhere."""

import re

import pytest
from django.core.management import call_command

from credentials.apps.records import demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def links(response):
    return re.findall(r'<a [^>]*href="([^"]+)"', response.content.decode())


def test_home_page_says_what_the_service_is_on_any_site(client, site):
    response = client.get("/")

    assert response.status_code == 200
    assert "Test Platform credentials" in text(response)
    assert "This service keeps the certificates and learner records of Test Platform." in text(response)


def test_home_page_of_a_production_site_links_records_the_lms_and_the_docs(client, site, settings):
    settings.ENABLE_AUTO_AUTH = False

    response = client.get("/")

    hrefs = links(response)
    assert "/records/" in hrefs
    assert "https://lms.example.com" in hrefs
    assert "https://example.com" in hrefs  # the company's home page
    assert {"/admin/", "/api-docs/", "/health/"} <= set(hrefs)
    assert not any(href.startswith("/auto_auth/") for href in hrefs)
    assert "Try the demo" not in text(response)


def test_home_page_without_records_does_not_offer_them(client, site, settings):
    site.siteconfiguration.records_enabled = False
    site.siteconfiguration.save()

    assert "/records/" not in links(client.get("/"))


def test_home_page_of_the_demo_links_every_demo_page(client, settings):
    call_command("load_demo_data")

    response = client.get("/", HTTP_HOST=demo.DEMO_DOMAIN)

    hrefs = links(response)
    page = text(response)
    assert "Try the demo" in page
    assert f"/credentials/{demo.certificate_uuid('alice', 'program').hex}/" in hrefs
    assert (
        "/auto_auth/?username=bob&amp;staff=false&amp;superuser=false&amp;next=/records/" in response.content.decode()
    )
    assert "The admin user demo_staff, password demo_staff" in page
    assert {"/admin/", "/api-docs/", "/health/", "/credentials/example/"} <= set(hrefs)


def test_demo_links_are_not_offered_where_auto_auth_is_off(client, settings):
    call_command("load_demo_data")
    settings.ENABLE_AUTO_AUTH = False

    response = client.get("/", HTTP_HOST=demo.DEMO_DOMAIN)

    assert "Try the demo" not in text(response)
    assert not any(href.startswith("/auto_auth/") for href in links(response))


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_link_on_the_demo_home_page_opens(client, signed_in):
    call_command("load_demo_data")
    if signed_in:
        client.force_login(UserFactory(username="carol"))
    home = client.get("/", HTTP_HOST=demo.DEMO_DOMAIN)

    for href in links(home):
        if href.startswith("http") or href == "/logout/":
            continue  # the site configuration's external pages (terms, privacy, company); signing out leaves
        response = client.get(href.replace("&amp;", "&"), HTTP_HOST=demo.DEMO_DOMAIN, follow=True)
        assert response.status_code == 200, href


def test_admin_view_site_lands_on_the_home_page(client, site):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    admin = client.get("/admin/").content.decode()

    assert re.search(r'<a href="/">View site</a>', admin)
    assert client.get("/").status_code == 200


def test_pages_offer_a_sign_out_link_to_signed_in_people(client, site):
    client.force_login(UserFactory(username="alice", full_name="Alice Learner"))

    html = client.get("/").content.decode()

    assert '<a class="header-sign-out" href="/logout/">Sign out</a>' in html
    assert "Alice Learner" in html


def test_signed_out_pages_have_no_sign_out_link(client, site):
    assert "Sign out" not in client.get("/").content.decode()


def test_the_404_page_leads_back_to_the_home_page(client, site):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert '<a class="btn" href="/">Go to the home page</a>' in response.content.decode()
    assert "<title>Page not found | Test Platform</title>" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/no-such-page/", "/login/?next=/records/", "/credentials/example/"])
def test_pages_carry_no_inline_script_or_style_so_a_strict_csp_allows_them(client, site, settings, path):
    settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = ""  # /login/ renders the sign-in page instead of redirecting
    client.force_login(UserFactory(username="alice"))

    page = client.get(path).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "<style" not in page and " style=" not in page and " onclick=" not in page
