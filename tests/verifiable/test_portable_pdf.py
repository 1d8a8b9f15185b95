"""GET /credentials/<uuid>/certificate.pdf and preview.png: the certificate as a person downloads, prints,
scans and shares it. Read back with poppler and zbar, the tools a person would use."""

import io
import json
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.conf import settings
from PIL import Image, ImageChops, ImageStat

from credentials.apps.credentials.models import UserCredential
from credentials.apps.verifiable import chromium
from credentials.apps.verifiable.models import Issuer
from tests.credentials import builders
from tests.factories import SignatoryFactory, SiteFactory, UserFactory
from tests.verifiable import independent
from tests.verifiable.helpers import served_documents
from tests.verifiable.portable_helpers import (
    first_page_png,
    needs_renderer_and_tools,
    pdf_info,
    pdf_text,
    qr_codes,
)

pytestmark = [pytest.mark.django_db, *needs_renderer_and_tools()]

FIXED_UUID = uuid.UUID("5f0c1e2d3c4b4a5968778695a4b3c2d1")
SIGNATURE = Path(settings.BASE_DIR) / "static" / "images" / "demo-signature.png"
REFERENCE = Path(__file__).resolve().parent / "reference" / "certificate-a4.png"
REFERENCE_REGENERATE = bool(os.environ.get("REGENERATE_REFERENCE"))


def png_logo(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 61, 92)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def awarded(site):
    UserFactory(username="alice", full_name="Alice Lovelace")
    signatory = SignatoryFactory(name="Dr. Grace Hopper", title="Dean of Computing", image__from_path=SIGNATURE)
    awarded = builders.program_credential(title="Data Science Foundations", signatories=[signatory])
    UserCredential.objects.filter(pk=awarded.credential.pk).update(uuid=FIXED_UUID)
    awarded.credential.refresh_from_db()
    return awarded


@pytest.fixture
def renders(monkeypatch):
    """Counts Chromium runs (the real ones still happen)."""
    count = {"runs": 0}
    real = chromium._run

    def counted(*args, **kwargs):
        count["runs"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(chromium, "_run", counted)
    return count


def pdf_url(credential, **query):
    suffix = "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
    return f"/credentials/{credential.uuid.hex}/certificate.pdf{suffix}"


def get_pdf(client, credential, **query):
    response = client.get(pdf_url(credential, **query))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response


def test_the_pdf_is_one_landscape_a4_page_with_selectable_certificate_text(client, awarded):
    response = get_pdf(client, awarded.credential)

    info = pdf_info(response.content)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("841.9") and "x 59" in info["Page size"]  # A4 landscape, in points
    text = pdf_text(response.content)
    for expected in (
        "Alice Lovelace",
        "Data Science Foundations",
        "ACMEx and GlobeX",  # the organization names the page shows
        "Issued May 2025",
        FIXED_UUID.hex,
        "Dr. Grace Hopper",
        f"testserver/v/{FIXED_UUID.hex}/",  # the short verification link under the QR code
    ):
        assert expected in text, expected


def test_the_download_is_named_after_the_learner_and_the_program(client, awarded):
    response = get_pdf(client, awarded.credential)

    assert response["Content-Disposition"] == 'attachment; filename="Alice Lovelace - Data Science Foundations.pdf"'


def test_letter_paper_by_query(client, awarded):
    response = get_pdf(client, awarded.credential, paper="letter")

    info = pdf_info(response.content)
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("792 x 612")  # US Letter landscape


def test_an_unknown_paper_size_is_a_clear_400(client, awarded, renders):
    response = client.get(pdf_url(awarded.credential, paper="a3"))

    assert response.status_code == 400
    assert "?paper=a4 or ?paper=letter" in response.content.decode()
    assert renders["runs"] == 0


def test_the_qr_code_opens_the_verifier_on_this_credential_which_verifies(client, awarded):
    pdf = get_pdf(client, awarded.credential).content

    codes = qr_codes(first_page_png(pdf, dpi=150))

    credential_json = f"http://testserver/credentials/{FIXED_UUID.hex}/credential.json"
    assert codes == [f"http://testserver/verify/?url={credential_json.replace(':', '%3A').replace('/', '%2F')}"]
    scanned = urlsplit(codes[0])
    assert parse_qs(scanned.query) == {"url": [credential_json]}
    # What the phone opens: the verifier page, which says Verified ...
    page = client.get(scanned.path, parse_qs(scanned.query)).content.decode()
    assert "Verified</div>" in page and "Not verified" not in page
    # ... and an independent verifier (Digital Bazaar's) agrees on what the URL points at.
    document = json.loads(client.get(urlsplit(credential_json).path).content)
    result = independent.verify(document, documents=served_documents(client, document), check_status=True)
    assert result["verified"] is True, result


def test_the_short_link_under_the_qr_code_leads_to_the_same_verification(client, awarded):
    response = client.get(f"/v/{FIXED_UUID.hex}/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"http://testserver/verify/?url=http%3A%2F%2Ftestserver%2Fcredentials%2F{FIXED_UUID.hex}%2Fcredential.json"
    )


def test_the_first_page_matches_the_kept_layout(client, awarded):
    """The page as pdftoppm draws it, against a reviewed rendering kept in tests/verifiable/reference/.
    Tolerant: small shifts of antialiasing or fonts pass; a lost stylesheet, a second page, a moved block or
    a missing QR code do not. REGENERATE_REFERENCE=1 rewrites the kept image (review it before committing)."""
    pdf = get_pdf(client, awarded.credential).content
    rendered = Image.open(io.BytesIO(first_page_png(pdf, dpi=40, gray=True))).convert("L")
    if REFERENCE_REGENERATE:
        REFERENCE.parent.mkdir(exist_ok=True)
        rendered.save(REFERENCE)
    kept = Image.open(REFERENCE).convert("L")

    assert rendered.size == kept.size
    # Compared on a coarse grid (blocks of about 5 mm): where the ink is, not how each glyph is drawn.
    grid = (kept.width // 8, kept.height // 8)
    difference = ImageChops.difference(rendered.resize(grid, Image.BOX), kept.resize(grid, Image.BOX))
    assert ImageStat.Stat(difference).mean[0] < 4, "the layout moved"
    assert max(ImageStat.Stat(difference).extrema[0]) < 90, "a block appeared or went missing"


def test_a_broken_layout_would_not_match_the_kept_one(awarded):
    """The comparison above can fail: the kept page against the same page with its QR code and text blanked."""
    kept = Image.open(REFERENCE).convert("L")
    damaged = kept.copy()
    damaged.paste(255, (0, kept.height // 2, kept.width, kept.height))
    grid = (kept.width // 8, kept.height // 8)
    difference = ImageChops.difference(damaged.resize(grid, Image.BOX), kept.resize(grid, Image.BOX))
    assert max(ImageStat.Stat(difference).extrema[0]) >= 90


def test_the_pdf_is_cached_until_what_it_shows_changes(client, awarded, renders):
    first = get_pdf(client, awarded.credential).content
    assert get_pdf(client, awarded.credential).content == first
    assert renders["runs"] == 1

    awarded.configuration.title = "Certified Data Practitioner"
    awarded.configuration.save()

    assert "Certified Data Practitioner" in pdf_text(get_pdf(client, awarded.credential).content)
    assert renders["runs"] == 2


def test_the_pdf_follows_the_learners_printed_name(client, awarded, renders):
    get_pdf(client, awarded.credential)
    UserFactory._meta.model.objects.filter(username="alice").update(full_name="Alice K. Lovelace")

    assert "Alice K. Lovelace" in pdf_text(get_pdf(client, awarded.credential).content)
    assert renders["runs"] == 2


def test_the_pdf_is_public_exactly_when_the_page_is(client, awarded, renders):
    get_pdf(client, awarded.credential)
    awarded.credential.status = "revoked"
    awarded.credential.save()

    assert client.get(awarded.url).status_code == 404
    assert client.get(pdf_url(awarded.credential)).status_code == 404
    assert client.get(f"/credentials/{'0' * 32}/certificate.pdf").status_code == 404
    assert client.get(f"/v/{FIXED_UUID.hex}/").status_code == 404
    assert renders["runs"] == 1


def test_another_sites_certificate_is_a_404(client, site, renders):
    other = builders.program_credential(site=SiteFactory(domain="other.example.com"))

    assert client.get(pdf_url(other.credential)).status_code == 404
    assert client.get(f"/credentials/{other.credential.uuid.hex}/preview.png").status_code == 404
    assert renders["runs"] == 0


def test_a_renderer_failure_is_a_503_to_retry_and_nothing_is_cached(client, awarded, settings):
    settings.CHROMIUM_PATH = "/nonexistent/chromium"

    response = client.get(pdf_url(awarded.credential))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    settings.CHROMIUM_PATH = None
    assert client.get(pdf_url(awarded.credential)).status_code == 200


def test_organization_logos_from_another_host_are_embedded_not_fetched_by_the_renderer(client, site):
    UserFactory(username="alice", full_name="Alice Lovelace")
    awarded = builders.program_credential(orgs=builders.organizations(1), signatories=[])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        logo = mock.add(
            responses.GET, "https://example.com/ACMEx.png", body=png_logo(321, 123), content_type="image/png"
        )
        pdf = get_pdf(client, awarded.credential).content
        assert logo.call_count == 1  # fetched by the service, with its timeouts; the renderer has no network

    listed = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert any(line.split()[3:5] == ["321", "123"] for line in listed.splitlines()[2:]), listed


def test_the_social_preview_is_a_1200_by_630_png_of_the_certificate(client, awarded):
    response = client.get(f"/credentials/{FIXED_UUID.hex}/preview.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 630)
    # The certificate's paper (light) sits on the brand-coloured band (dark), not a blank page.
    gray = image.convert("L")
    assert gray.getpixel((20, 315)) < 100 and gray.getpixel((600, 315)) > 200


def test_without_verifiable_credentials_the_short_link_and_qr_lead_to_the_page(client, awarded):
    Issuer.objects.create(site=awarded.configuration.site, enabled=False)

    response = client.get(f"/v/{FIXED_UUID.hex}/")

    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/credentials/{FIXED_UUID.hex}/"
    assert client.get(f"/credentials/{FIXED_UUID.hex}/badge.svg").status_code == 404  # nothing to bake


def test_a_cached_pdf_is_served_in_a_few_queries(client, awarded, renders, django_assert_max_num_queries):
    first = get_pdf(client, awarded.credential).content

    with django_assert_max_num_queries(3):
        assert get_pdf(client, awarded.credential).content == first
    assert renders["runs"] == 1
