"""Certificate pages in Chromium: what a learner and the people they share with see, click and print."""

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from django.conf import settings

from tests.credentials import builders
from tests.factories import SignatoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIGNATURE = Path(settings.BASE_DIR) / "static" / "images" / "demo-signature.png"
LMS = "https://lms.example.com"


@pytest.fixture
def lms():
    """The LMS as the certificate page sees it: a token endpoint, accounts, and no name affirmation."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            "https://test-provider/oauth2/access_token",
            json={"access_token": "service-token", "expires_in": 3600},
        )
        mock.add(
            responses.GET, f"{LMS}/api/user/v1/accounts/alice", json={"username": "alice", "name": "Alice Lovelace"}
        )
        mock.add(responses.GET, re.compile(f"{LMS}/api/edx_name_affirmation/.*"), status=404)
        yield mock


def serve_media(page):
    """The live server does not serve uploads; the browser gets them from MEDIA_ROOT directly."""

    def fulfill(route):
        path = Path(settings.MEDIA_ROOT) / urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)

    page.route("**/media/**", fulfill)
    serve_logos(page)


def serve_logos(page):
    """Organization logos live on other hosts (none reachable here): the browser gets a drawn stand-in."""

    def fulfill(route):
        name = Path(urlsplit(route.request.url).path).stem
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="64" viewBox="0 0 200 64">'
            '<rect width="200" height="64" rx="8" fill="#eef3f8"/><circle cx="32" cy="32" r="18" fill="#0b3d5c"/>'
            f'<text x="60" y="41" font-family="Georgia, serif" font-size="24" fill="#0b3d5c">{name}</text></svg>'
        )
        route.fulfill(body=svg, content_type="image/svg+xml")

    page.route("https://example.com/**", fulfill)


def pdf_page_count(pdf_bytes):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf_bytes))


@pytest.fixture
def program(site):
    signatories = [
        SignatoryFactory(
            name="Dr. Grace Hopper", title="Dean of Computing<br>School of Engineering", image__from_path=SIGNATURE
        ),
        SignatoryFactory(name="Prof. Alan Turing", title="Program Director", image__from_path=SIGNATURE),
    ]
    return builders.program_credential(username="alice", signatories=signatories, include_hours_of_effort=True)


def test_owner_sees_program_certificate_shares_it_on_linkedin_and_prints_it(
    live_server, new_page, sign_in, screenshot, lms, program
):
    page = new_page(width=1366, height=900)
    serve_media(page)
    sign_in(page, "alice")

    page.goto(f"{live_server.url}{program.url}")

    assert page.locator(".accomplishment-recipient").inner_text() == "Alice Lovelace"
    assert page.locator(".accomplishment-program-name").inner_text() == "Data Science Foundations"
    assert page.locator(".accomplishment-offered-by").inner_text() == (
        "a program offered by ACMEx and GlobeX, in collaboration with Test Platform."
    )
    assert page.get_by_role("img", name="ACME University logo").count() == 1
    assert page.locator(".signatory-name").all_inner_texts() == ["Dr. Grace Hopper", "Prof. Alan Turing"]
    assert page.locator(".signatory-title").first.inner_text() == "Dean of Computing\nSchool of Engineering"
    assert page.locator(".accomplishment-issue-date").inner_text() == "Issued May 2025"
    assert page.locator(".certificate-id").inner_text() == program.credential.uuid.hex
    assert page.get_by_text("120 hours").is_visible()
    assert page.get_by_role("heading", name="Congratulations, Alice Lovelace!").is_visible()
    screenshot(page, "program-desktop")

    # LinkedIn opens in a new tab; nothing outside the live server is reachable, so the tab gets a stub.
    page.context.route("https://www.linkedin.com/**", lambda route: route.fulfill(body="LinkedIn stub"))
    with page.expect_popup() as popup:
        page.get_by_role("link", name=re.compile("Add to LinkedIn profile")).click()
    opened = urlsplit(popup.value.url)
    assert (opened.scheme, opened.netloc, opened.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qsl(opened.query) == [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "Data Science Foundations"),
        ("certUrl", f"{live_server.url}{program.url}"),
        ("certId", program.credential.uuid.hex),
        ("organizationName", "ACMEx and GlobeX"),
        ("issueYear", "2025"),
        ("issueMonth", "5"),
    ]

    page.emulate_media(media="print")
    assert page.locator(".certificate-paper").is_visible()
    for hidden in (".actions", ".wrapper-banner-user", ".wrapper-header", ".wrapper-footer", ".accomplishment-support"):
        assert page.locator(hidden).is_hidden(), hidden
    for paper in ("A4", "Letter"):
        assert pdf_page_count(page.pdf(format=paper, landscape=True)) == 1, paper


# The printable area of a landscape page with the stylesheet's 6 mm margins, in CSS pixels (96 per inch).
PRINTABLE = {"a4": (1077, 748), "letter": (1011, 771)}


@pytest.mark.parametrize("paper", PRINTABLE)
def test_printed_certificate_fits_one_landscape_page(live_server, new_page, screenshot, lms, program, paper):
    width, height = PRINTABLE[paper]
    page = new_page(width=width, height=height)
    serve_media(page)
    page.emulate_media(media="print")

    page.goto(f"{live_server.url}{program.url}")

    paper_box = page.locator(".certificate-paper").bounding_box()
    frame_box = page.locator(".paper-frame").bounding_box()
    assert paper_box["height"] <= height
    assert frame_box["y"] + frame_box["height"] <= paper_box["y"] + paper_box["height"] + 1
    screenshot(page, f"print-{paper}")


def test_anonymous_visitor_sees_the_certificate_without_the_owner_banner_on_a_phone(
    live_server, new_page, screenshot, lms, program
):
    page = new_page(width=390, height=844)
    serve_media(page)

    page.goto(f"{live_server.url}{program.url}")

    assert page.locator(".accomplishment-recipient").inner_text() == "Alice Lovelace"
    assert page.locator(".wrapper-banner-user").count() == 0
    # One column: nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "program-phone")


def test_course_certificate_shows_course_run_type_organization_and_issue_date(
    live_server, new_page, sign_in, screenshot, lms, site
):
    signatory = SignatoryFactory(name="Dr. Ada Byron", title="Course Lead", image__from_path=SIGNATURE)
    course = builders.course_credential(username="alice", signatories=[signatory])
    for width, height, name in ((1366, 900, "course-desktop"), (390, 844, "course-phone")):
        page = new_page(width=width, height=height)
        serve_media(page)
        sign_in(page, "alice")

        page.goto(f"{live_server.url}{course.url}")

        assert page.locator(".accomplishment-recipient").inner_text() == "Alice Lovelace"
        assert page.locator(".accomplishment-program-name").inner_text() == "Statistics for Data Science"
        assert page.locator(".accomplishment-type").inner_text().lower() == "verified certificate"
        run_name = course.runs[0].key.rsplit("+", 1)[-1]
        assert page.locator(".course-run .course-title").inner_text() == "Statistics for Data Science"
        assert page.locator(".course-run .course-run-name").inner_text() == run_name
        assert "course-v1:" not in page.locator(".course-run").inner_text()
        assert page.locator(".accomplishment-offered-by").inner_text() == (
            "a course offered by ACME University, in collaboration with Test Platform."
        )
        assert page.locator(".signatory-name").all_inner_texts() == ["Dr. Ada Byron"]
        assert page.locator(".accomplishment-issue-date").inner_text() == "Issued May 2025"
        screenshot(page, name)


def test_unknown_certificate_is_a_friendly_not_found_page(live_server, page, site):
    response = page.goto(f"{live_server.url}/credentials/{'0' * 32}/")

    assert response.status == 404
    assert page.get_by_role("heading", name="We can't find that page").is_visible()
