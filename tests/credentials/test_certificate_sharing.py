"""Share links and Open Graph tags of the certificate page (spec/pages.md §3.6-3.7)."""

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.credentials import builders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def share_link(page, action):
    """The href of the share action ``action`` (linkedin, twitter, facebook), or None when absent."""
    match = re.search(rf'<a class="btn btn-share action-{action}"[^>]*href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def meta(page, prop):
    match = re.search(rf'<meta property="{prop}" content="([^"]*)">', page)
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def owner_client(client):
    client.force_login(UserFactory(username="alice"))
    return client


def configure(site, **fields):
    for name, value in fields.items():
        setattr(site.siteconfiguration, name, value)
    site.siteconfiguration.save()


def test_linkedin_link_adds_the_certificate_to_the_profile(owner_client, site):
    awarded = builders.program_credential(title="Data Science Foundations")

    page = owner_client.get(awarded.url).content.decode()

    url = urlsplit(share_link(page, "linkedin"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.linkedin.com/profile/add"
    assert parse_qsl(url.query) == [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "Data Science Foundations"),
        ("certUrl", f"http://testserver{awarded.url}"),
        ("certId", awarded.credential.uuid.hex),
        ("organizationName", "ACMEx and GlobeX"),
        ("issueYear", "2025"),
        ("issueMonth", "5"),
    ]
    assert 'target="_blank"' in page and 'title="Add this certificate to your LinkedIn profile"' in page


def test_linkedin_uses_the_custom_title(owner_client, site):
    awarded = builders.program_credential()
    awarded.configuration.title = "Certified Data Practitioner"
    awarded.configuration.save()

    page = owner_client.get(awarded.url).content.decode()

    assert dict(parse_qsl(urlsplit(share_link(page, "linkedin")).query))["name"] == "Certified Data Practitioner"


@pytest.mark.parametrize(("username", "via"), [("testplatform", [("via", "testplatform")]), ("", [])])
def test_twitter_link_tweets_the_certificate_url(owner_client, site, username, via):
    configure(site, twitter_username=username)
    awarded = builders.program_credential()

    page = owner_client.get(awarded.url).content.decode()

    url = urlsplit(share_link(page, "twitter"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://twitter.com/intent/tweet"
    assert parse_qsl(url.query) == [
        ("text", "I completed a program at Test Platform. Take a look at my certificate:"),
        ("url", f"http://testserver{awarded.url}"),
        *via,
    ]


def test_facebook_link_uses_the_site_app_id(owner_client, site):
    configure(site, enable_facebook_sharing=True, facebook_app_id="12345")
    awarded = builders.program_credential()

    page = owner_client.get(awarded.url).content.decode()

    url = urlsplit(share_link(page, "facebook"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.facebook.com/dialog/share"
    assert parse_qsl(url.query) == [
        ("app_id", "12345"),
        ("display", "popup"),
        ("href", f"http://testserver{awarded.url}"),
    ]


def test_each_network_is_offered_only_when_the_site_enables_it(owner_client, site):
    configure(site, enable_linkedin_sharing=False, enable_twitter_sharing=False, enable_facebook_sharing=False)
    awarded = builders.program_credential()

    page = owner_client.get(awarded.url).content.decode()

    assert [share_link(page, action) for action in ("linkedin", "twitter", "facebook")] == [None, None, None]
    assert 'data-action="print"' in page


def test_share_actions_are_single_links_styled_as_buttons(owner_client, site):
    configure(site, enable_facebook_sharing=True, facebook_app_id="12345")
    page = owner_client.get(builders.program_credential().url).content.decode()

    assert re.findall(r'<a class="btn btn-share action-(\w+)"', page) == [
        "linkedin",
        "twitter",
        "facebook",
        "pdf",
        "wallet",
        "badge",
    ]
    # Upstream nests an <a> inside each <button>; no link sits inside a button here.
    assert not re.search(r"<button[^>]*>(?:(?!</button>).)*<a ", page, re.DOTALL)


def test_share_actions_carry_tracking_properties(owner_client, site):
    awarded = builders.program_credential()

    page = owner_client.get(awarded.url).content.decode()

    assert 'data-track-event="edx.bi.credentials.linkedin_share.attempted"' in page
    assert f'data-track-event-property-credential-uuid="{awarded.credential.uuid.hex}"' in page
    assert f'data-track-event-property-program-uuid="{awarded.program.uuid.hex}"' in page


def test_open_graph_describes_the_certificate_for_anonymous_viewers(client, site):
    awarded = builders.program_credential(title="Data Science Foundations")

    page = client.get(awarded.url).content.decode()

    assert meta(page, "og:url") == f"http://testserver{awarded.url}"
    assert meta(page, "og:title") == "Professional Certificate: Data Science Foundations"
    # A picture of this certificate, at the size LinkedIn, X and Slack show in full.
    assert meta(page, "og:image") == f"http://testserver{awarded.url}preview.png"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:description") == "I completed a program at Test Platform."
    assert "None" not in page


def test_open_graph_title_uses_the_custom_title(client, site):
    awarded = builders.program_credential()
    awarded.configuration.title = "Certified Data Practitioner"
    awarded.configuration.save()

    page = client.get(awarded.url).content.decode()

    assert meta(page, "og:title") == "Professional Certificate: Certified Data Practitioner"


def test_open_graph_without_logo_or_title_never_prints_none(client, site):
    awarded = builders.program_credential(
        title="", program_type="", type_slug="", orgs=builders.organizations(1, certificate_logo_image_url=None)
    )

    page = client.get(awarded.url).content.decode()

    assert meta(page, "og:title") == "Certificate"
    assert meta(page, "og:description") == "I completed a program at Test Platform."
    assert "None" not in page


def test_a_program_certificate_is_shared_as_a_program(owner_client, site):
    awarded = builders.program_credential()

    page = owner_client.get(awarded.url).content.decode()

    tweet = dict(parse_qsl(urlsplit(share_link(page, "twitter")).query))["text"]
    assert tweet == "I completed a program at Test Platform. Take a look at my certificate:"
    assert meta(page, "og:description") == "I completed a program at Test Platform."
    assert "a course" not in tweet + meta(page, "og:description")


def test_a_course_certificate_is_shared_as_a_course(owner_client, site):
    awarded = builders.course_credential()

    page = owner_client.get(awarded.url).content.decode()

    tweet = dict(parse_qsl(urlsplit(share_link(page, "twitter")).query))["text"]
    assert tweet == "I completed a course at Test Platform. Take a look at my certificate:"
    assert meta(page, "og:description") == "I completed a course at Test Platform."
