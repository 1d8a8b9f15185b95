"""The admin in Chromium: configuring a program certificate from scratch, and revoking a learner's credential."""

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import responses
from django.conf import settings
from PIL import Image, ImageDraw

from credentials.apps.catalog import api as catalog_api
from credentials.apps.credentials.models import ProgramCertificate, Signatory, UserCredential
from tests.credentials import builders
from tests.factories import CourseRunFactory, OrganizationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PASSWORD = "a-long-admin-password"


@pytest.fixture
def lms():
    """The LMS as the certificate pages see it (token, accounts), so nothing reaches the network."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            "https://test-provider/oauth2/access_token",
            json={"access_token": "service-token", "expires_in": 3600},
        )
        mock.add(responses.GET, re.compile(r"https://lms\.example\.com/api/user/v1/accounts/.*"), status=404)
        mock.add(responses.GET, re.compile(r"https://lms\.example\.com/api/edx_name_affirmation/.*"), status=404)
        yield mock


@pytest.fixture
def admin(site):
    user = UserFactory(username="cert_admin", full_name="Carla Admin", is_staff=True, is_superuser=True)
    user.set_password(ADMIN_PASSWORD)
    user.save()
    return user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def serve_uploads_and_logos(page):
    """The live server serves neither uploads nor other hosts: the browser gets them here."""

    def media_file(route):
        path = Path(settings.MEDIA_ROOT) / urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        route.fulfill(path=str(path)) if path.is_file() else route.fulfill(status=404)

    def logo(route):
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48"><rect width="160" height="48" rx="6" '
            'fill="#0b3d5c"/><text x="14" y="31" font-size="18" fill="#fff">logo</text></svg>'
        )
        route.fulfill(body=svg, content_type="image/svg+xml")

    page.route("**/media/**", media_file)
    page.route("https://cdn.example.com/**", logo)
    page.route("https://example.com/**", logo)


def signature_png(path):
    image = Image.new("RGBA", (240, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(10, 90), (60, 30), (100, 95), (150, 35), (225, 80)], fill=(20, 30, 90, 255), width=5)
    image.save(path, format="PNG")
    return path


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def choose_autocomplete(page, field_id, term, option_text):
    """Pick ``option_text`` in a Select2 autocomplete widget of the admin."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(term)
    page.locator(".select2-results__option", has_text=option_text).first.click()


def test_admin_configures_a_program_certificate_and_previews_it(
    live_server, page, screenshot, admin, media, lms, tmp_path
):
    program = ProgramFactory(title="Data Science Foundations", type="Professional Certificate")
    catalog_api.set_ordered(
        program, "authoring_organizations", [OrganizationFactory(name="Demo University", key="DemoX")]
    )
    catalog_api.set_ordered(program, "course_runs", [CourseRunFactory()])
    serve_uploads_and_logos(page)

    log_in(page, live_server, "cert_admin")
    assert page.locator("#site-name").inner_text() == "Credentials Administration"
    screenshot(page, "1-admin-index")

    # An organization with its certificate logo.
    page.goto(f"{live_server.url}/admin/catalog/organization/add/")
    page.select_option("#id_site", label="testserver")
    page.fill("#id_uuid", str(uuid.uuid4()))
    page.fill("#id_key", "AdminU")
    page.fill("#id_name", "Admin University")
    page.fill("#id_certificate_logo_image_url", "https://cdn.example.com/adminu.png")
    page.click("input[name=_save]")
    logo = page.locator("#result_list img[alt='Admin University']")
    assert logo.get_attribute("src") == "https://cdn.example.com/adminu.png"
    assert page.evaluate("img => img.naturalWidth", logo.element_handle()) > 0
    screenshot(page, "2-organization-with-logo")

    # A signatory with an uploaded signature image.
    page.goto(f"{live_server.url}/admin/credentials/signatory/add/")
    page.fill("#id_name", "Grace Hopper")
    page.fill("#id_title", "Dean of Computing")
    page.set_input_files("#id_image", str(signature_png(tmp_path / "signature.png")))
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    thumbnail = page.locator("#result_list img[alt='Grace Hopper']")
    assert page.evaluate("img => img.naturalWidth", thumbnail.element_handle()) == 240
    screenshot(page, "3-signatory-with-image")
    signatory = Signatory.objects.get()
    assert signatory.image.name == f"signatories/{signatory.pk}/signature.png"

    # The program certificate configuration: the program is picked from the catalog by title.
    page.goto(f"{live_server.url}/admin/credentials/programcertificate/add/")
    assert page.locator("#id_site option:checked").inner_text() == "testserver"
    page.check("#id_is_active")
    choose_autocomplete(page, "id_program", "Data Sci", "Data Science Foundations")
    choose_autocomplete(page, "id_signatories", "Grace", "Grace Hopper")
    screenshot(page, "4-program-certificate-form")
    page.click("input[name=_continue]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    configuration = ProgramCertificate.objects.get()
    assert (configuration.program, configuration.program_uuid) == (program, program.uuid)

    # Its preview shows the signatory on the certificate.
    preview = page.locator("a", has_text="Preview").first
    assert preview.get_attribute("href") == f"/credentials/example/{program.uuid.hex}/"
    response = page.goto(f"{live_server.url}{preview.get_attribute('href')}")
    assert response.status == 200
    body = page.locator("body").inner_text()
    assert "Grace Hopper" in body
    assert "Dean of Computing" in body
    assert "Data Science Foundations" in body
    screenshot(page, "5-certificate-preview")


def test_admin_revokes_a_credential_and_the_certificate_disappears(live_server, page, screenshot, admin, lms):
    awarded = builders.program_credential(username="alice")
    serve_uploads_and_logos(page)
    certificate_url = f"{live_server.url}{awarded.url}"
    assert page.goto(certificate_url).status == 200
    screenshot(page, "1-certificate-before")

    log_in(page, live_server, "cert_admin")
    page.goto(f"{live_server.url}/admin/credentials/usercredential/?q={awarded.credential.uuid.hex}")
    assert page.locator("#result_list tbody tr").count() == 1
    page.check("#result_list tbody tr input.action-select")
    page.select_option("select[name=action]", label="Revoke selected credentials")
    page.click("button[name=index]")
    assert "1 credential was revoked." in page.locator(".messagelist").inner_text()
    screenshot(page, "2-revoked")

    awarded.credential.refresh_from_db()
    assert awarded.credential.status == UserCredential.REVOKED
    assert page.goto(certificate_url).status == 404
    screenshot(page, "3-certificate-after")

    page.goto(f"{live_server.url}/admin/credentials/usercredential/{awarded.credential.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "cert_admin" in history
    assert "Revoked in the admin" in history
    screenshot(page, "4-history")
