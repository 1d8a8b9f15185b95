"""GET /credentials/<uuid>/badge.png and badge.svg: the badge image with the signed credential baked in
(Open Badges 3.0 "Baking"), so that a badge dropped into a verifier verifies."""

import io
import json
import xml.etree.ElementTree as ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentials.apps.verifiable import baking
from tests.credentials import builders
from tests.factories import UserFactory
from tests.verifiable import independent
from tests.verifiable.helpers import credential_url, get_json, served_documents
from tests.verifiable.portable_helpers import CHROMIUM

pytestmark = pytest.mark.django_db
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


@pytest.fixture
def awarded(site):
    UserFactory(username="alice", full_name="Alice Lovelace")
    return builders.program_credential(title="Data Science Foundations")


def badge(client, credential, extension):
    response = client.get(f"/credentials/{credential.uuid.hex}/badge.{extension}")
    assert response.status_code == 200, response.content[:300]
    return response


@needs_chromium
def test_the_png_badge_carries_the_served_credential_in_an_openbadgecredential_itxt_chunk(client, awarded):
    response = badge(client, awarded.credential, "png")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith('attachment; filename="Data Science Foundations - ')
    # Pillow, an independent PNG reader, finds the chunk and its text.
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.size == (400, 400)
    baked = json.loads(image.text["openbadgecredential"])
    assert baked == get_json(client, credential_url(awarded.credential))


@needs_chromium
def test_the_credential_taken_out_of_the_png_verifies(client, awarded):
    baked = json.loads(baking.unbake(badge(client, awarded.credential, "png").content))

    result = independent.verify(baked, documents=served_documents(client, baked), check_status=True)
    assert result["verified"] is True, result
    ours = client.post("/api/v2/verify/", json.dumps(baked), content_type="application/json").json()
    assert ours["verified"] is True


def test_the_svg_badge_carries_the_credential_in_an_openbadges_credential_element(client, awarded):
    response = badge(client, awarded.credential, "svg")

    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # well-formed XML, the namespace declared
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    element = root[0]
    assert element.tag == f"{{{OB_NAMESPACE}}}credential"  # the first child, as the baking rules say
    baked = json.loads(element.text)
    assert baked == get_json(client, credential_url(awarded.credential))
    assert "Data Science Foundations" in response.content.decode()
    result = independent.verify(baked, documents=served_documents(client, baked), check_status=True)
    assert result["verified"] is True, result


@needs_chromium
def test_a_dropped_png_badge_verifies_on_the_verify_page_and_the_api(client, awarded):
    png = badge(client, awarded.credential, "png").content

    upload = SimpleUploadedFile("badge.png", png, content_type="image/png")
    page = client.post("/verify/", {"file": upload}).content.decode()
    assert "Verified</div>" in page and "Not verified" not in page
    result = client.post("/api/v2/verify/", png, content_type="image/png").json()
    assert result["verified"] is True


def test_a_dropped_svg_badge_verifies_on_the_api(client, awarded):
    svg = badge(client, awarded.credential, "svg").content

    assert client.post("/api/v2/verify/", svg, content_type="image/svg+xml").json()["verified"] is True


def test_a_badge_of_a_changed_credential_does_not_verify(client, awarded):
    svg = badge(client, awarded.credential, "svg").content.decode()
    tampered = svg.replace('"name": "Data Science Foundations"', '"name": "Rocket Science"', 1)
    assert tampered != svg

    result = client.post("/api/v2/verify/", tampered.encode(), content_type="image/svg+xml").json()
    assert result["verified"] is False


def test_an_image_without_a_credential_is_a_clear_400(client, site):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")

    response = client.post("/api/v2/verify/", buffer.getvalue(), content_type="image/png")
    assert response.status_code == 400
    assert "not a baked badge" in response.json()["detail"]
    upload = SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")
    page = client.post("/verify/", {"file": upload})
    assert page.status_code == 400 and "not a baked badge" in page.content.decode()


def test_a_damaged_png_is_a_clear_400(client, site):
    response = client.post("/api/v2/verify/", baking.PNG_SIGNATURE + b"\x00\x00", content_type="image/png")
    assert response.status_code == 400


def test_badges_are_public_exactly_when_the_page_is(client, awarded):
    awarded.credential.status = "revoked"
    awarded.credential.save()

    for extension in ("png", "svg"):
        assert client.get(f"/credentials/{awarded.credential.uuid.hex}/badge.{extension}").status_code == 404


# --- Baking itself ------------------------------------------------------------------------------------------


def small_png():
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_baking_a_png_twice_keeps_one_credential_and_a_valid_image():
    once = baking.bake_png(small_png(), '{"id": "first"}')
    twice = baking.bake_png(once, '{"id": "second"}')

    assert twice.count(b"openbadgecredential") == 1
    assert baking.unbake_png(twice) == '{"id": "second"}'
    image = Image.open(io.BytesIO(twice))
    image.load()  # Pillow checks every chunk's CRC
    assert image.text == {"openbadgecredential": '{"id": "second"}'} and image.size == (3, 2)


def test_the_itxt_chunk_is_uncompressed_with_empty_language_and_translated_keyword():
    baked = baking.bake_png(small_png(), "é")

    chunk = baked[baked.index(b"iTXt") + 4 :]
    assert chunk.startswith(b"openbadgecredential\x00\x00\x00\x00\x00" + "é".encode())


def test_a_pillow_baked_png_is_read_too():
    """Another implementation's baking (Pillow writes iTXt chunks itself) is read back by ours."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", '{"id": "other"}')
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG", pnginfo=info)

    assert baking.unbake(buffer.getvalue()) == '{"id": "other"}'


def test_an_svg_with_a_jws_in_the_verify_attribute_is_read():
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}"><openbadges:credential verify="a.b.c"/></svg>'
    assert baking.unbake(svg.encode()) == "a.b.c"


def test_not_an_image_is_refused_by_the_baker():
    with pytest.raises(baking.BakingError):
        baking.bake_png(b"GIF89a", "{}")
    with pytest.raises(baking.BakingError):
        baking.bake_svg("<html></html>", "{}")
