"""The owner's portable-certificate buttons in Chromium: Download PDF, Download badge, Add to wallet (on the
certificate page and on /records/), Add to LinkedIn profile; and the social preview a shared link shows."""

import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image

from credentials.apps.verifiable import baking
from tests.e2e import test_certificate_pages as certificate_pages
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The certificate pages' fixtures: the LMS stand-in and Alice's program certificate with signatures.
lms = certificate_pages.lms
program = certificate_pages.program
serve_media = certificate_pages.serve_media


@pytest.fixture
def owner_page(live_server, new_page, sign_in, lms, program):
    UserFactory._meta.model.objects.filter(username="alice").update(full_name="Alice Lovelace")
    page = new_page(width=1366, height=900, accept_downloads=True)
    serve_media(page)
    sign_in(page, "alice")
    page.goto(f"{live_server.url}{program.url}")
    return page


def test_download_pdf_saves_the_certificate_named_after_learner_and_program(owner_page, program, screenshot):
    screenshot(owner_page, "banner")
    with owner_page.expect_download(timeout=120_000) as download_info:
        owner_page.get_by_role("link", name="Download PDF").click()
    download = download_info.value

    assert download.suggested_filename == "Alice Lovelace - Data Science Foundations.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "Alice Lovelace" in text and "Data Science Foundations" in text
        assert program.credential.uuid.hex in text


def test_download_badge_saves_a_png_with_the_credential_baked_in(owner_page, program):
    with owner_page.expect_download(timeout=120_000) as download_info:
        owner_page.get_by_role("link", name="Download badge").click()
    png = Path(download_info.value.path()).read_bytes()

    credential = json.loads(baking.unbake(png))
    assert credential["id"] == f"urn:uuid:{program.credential.uuid}"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_add_to_wallet_shows_the_wallet_qr_code_and_deep_link(owner_page, screenshot):
    owner_page.get_by_role("link", name="Add to wallet").click()

    assert owner_page.get_by_role("heading", name="Add to Learner Credential Wallet").is_visible()
    assert owner_page.get_by_role("img", name="QR code for the Learner Credential Wallet").is_visible()
    deep_link = owner_page.get_by_role("link", name="Open in the wallet app").get_attribute("href")
    assert deep_link.startswith("dccrequest://request?issuer=did%3Akey%3A")
    screenshot(owner_page, "wallet")


def test_add_to_wallet_from_the_records_page(live_server, owner_page, program):
    owner_page.goto(f"{live_server.url}/records/")
    owner_page.get_by_role("link", name=re.compile("Add your certificates to the Learner Credential Wallet")).click()
    owner_page.get_by_role("link", name="Add to Learner Credential Wallet").first.click()

    assert owner_page.get_by_role("img", name="QR code for the Learner Credential Wallet").is_visible()
    assert (
        owner_page.get_by_role("link", name="Open in the wallet app")
        .get_attribute("href")
        .startswith("dccrequest://request?")
    )


def test_add_to_linkedin_opens_the_prefilled_add_certification_form(live_server, owner_page, program):
    owner_page.context.route("https://www.linkedin.com/**", lambda route: route.fulfill(body="LinkedIn stub"))
    with owner_page.expect_popup() as popup:
        owner_page.get_by_role("link", name=re.compile("Add to LinkedIn profile")).click()

    opened = urlsplit(popup.value.url)
    assert (opened.netloc, opened.path) == ("www.linkedin.com", "/profile/add")
    params = dict(parse_qsl(opened.query))
    assert params["name"] == "Data Science Foundations"
    # The same organization names the certificate shows ("a program offered by ACMEx and GlobeX, ...").
    assert params["organizationName"] == "ACMEx and GlobeX"
    assert (
        owner_page.locator(".accomplishment-offered-by")
        .inner_text()
        .startswith(f"a program offered by {params['organizationName']},")
    )
    assert (params["issueYear"], params["issueMonth"]) == ("2025", "5")
    assert params["certUrl"] == f"{live_server.url}{program.url}"
    assert params["certId"] == program.credential.uuid.hex


def test_a_shared_link_previews_as_a_picture_of_the_certificate(live_server, new_page, lms, program):
    page = new_page()
    page.goto(f"{live_server.url}{program.url}")
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    description = page.locator('meta[property="og:description"]').get_attribute("content")

    response = page.request.get(image_url, timeout=120_000)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.body())).size == (1200, 630)
    assert description == "I completed a program at Test Platform."
