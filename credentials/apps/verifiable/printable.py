"""Renderings of a certificate page that leave the browser: the PDF (with a verification QR code and short
link) and the 1200 x 630 social preview (og:image). Both are the page's own certificate body and
stylesheet, made self-contained (styles and images inlined) and rendered by headless Chromium
(chromium.py), then cached until anything they show changes (portable_cache.py).
"""

import base64
import functools
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from credentials.apps.core import api as core_api
from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import chromium, issuers, portable_cache, web

# Landscape page sizes Chromium knows by name (CSS Paged Media "page-size").
PAPERS = {"a4": "A4", "letter": "letter"}
PREVIEW_SIZE = (1200, 630)  # the Open Graph image size LinkedIn, X and Slack show in full
STYLESHEETS = ("css/base.css", "css/certificate.css", "css/certificate-printable.css")
LOGO_CACHE_TTL = 24 * 3600


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str  # without extension: "<learner name> - <program or course title>"


# --- Where the QR code and the short link lead ----------------------------------------------------------


def certificate_page_url(base_url, uuid):
    return base_url + reverse("credentials:render", kwargs={"uuid": uuid})


def verification_url(site, base_url, uuid):
    """/verify/?url=<credential.json> when the site issues verifiable credentials, else the page itself
    (whose "Valid Certificate ID" is then the only proof there is)."""
    if not issuers.is_enabled(site):
        return certificate_page_url(base_url, uuid)
    credential_url = base_url + reverse("credential-json", kwargs={"credential_uuid": uuid})
    return base_url + reverse("verify") + "?" + urlencode({"url": credential_url})


def short_verification_url(base_url, uuid):
    return base_url + reverse("verify-short", kwargs={"uuid_hex": uuid.hex})


def qr_data_uri(text):
    """A QR code of ``text`` as an SVG data URI (vector: sharp on paper at any size)."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2, dark="#000", light="#fff")


# --- A self-contained document --------------------------------------------------------------------------

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\bsrc="([^"]*)"', re.IGNORECASE)


def _data_uri(content_type, content):
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def _remote_image(url):
    """An organization logo from another host, kept a day; None when it cannot be had (the certificate is
    rendered without it rather than not at all)."""
    key = "portable:image:" + hashlib.sha256(url.encode("utf-8")).hexdigest()
    found = cache.get(key)
    if found is None:
        try:
            found = core_api.fetch_image(url)
        except core_api.ServiceError:
            return None
        cache.set(key, found, LOGO_CACHE_TTL)
    return _data_uri(*found)


def _local_image(url):
    for prefix, read in ((settings.STATIC_URL, _read_static), (settings.MEDIA_URL, _read_media)):
        if prefix and url.startswith(prefix):
            name = url[len(prefix) :].split("?")[0]
            content = read(name)
            if content is None:
                return None
            return _data_uri(mimetypes.guess_type(name)[0] or "application/octet-stream", content)
    return None


def _read_static(name):
    path = finders.find(name)
    if not path:
        return None
    with open(path, "rb") as file:
        return file.read()


def _read_media(name):
    try:
        with default_storage.open(name, "rb") as file:
            return file.read()
    except (OSError, ValueError):
        return None


def inline_images(html, base_url):
    """Every ``<img src>`` as a data URI; an image that cannot be read is left out (an organization's
    name is in the statement anyway), never fetched by the renderer."""

    def replace(match):
        tag = match.group(0)
        src = _SRC.search(tag)
        url = src.group(1).replace("&amp;", "&") if src else ""
        if url.startswith("data:"):
            return tag
        if url.startswith(base_url + "/"):
            url = url[len(base_url) :]
        found = _remote_image(url) if url.startswith(("https://", "http://")) else _local_image(url)
        if not found:
            return ""
        return tag[: src.start(1)] + escape(found) + tag[src.end(1) :]

    return _IMG_TAG.sub(replace, html)


@functools.cache
def stylesheets_digest():
    """Changes when a deployment changes the stylesheets, so that files rendered with the old ones go."""
    return hashlib.sha256(_stylesheet().encode("utf-8")).hexdigest()[:16]


def _stylesheet():
    return "\n".join(_read_static(name).decode("utf-8") for name in STYLESHEETS)


def printable_html(request, certificate, learner, *, mode, paper="a4"):
    """The certificate page reduced to the certificate, self-contained. ``mode`` "pdf" adds the QR code and
    short link; "preview" lays the paper out on a 1200 x 630 band."""
    base_url = web.base_url(request)
    context = credentials_api.certificate_page_context(request, certificate, learner)
    context.update(
        mode=mode,
        page_size=PAPERS[paper],
        stylesheet=mark_safe(_stylesheet()),  # our own static files
    )
    if mode == "pdf":
        short_url = short_verification_url(base_url, certificate.uuid)
        context["verification"] = {
            "qr": qr_data_uri(verification_url(request.site, base_url, certificate.uuid)),
            "short_url": short_url,
            "short_text": short_url.split("://", 1)[-1],
        }
    html = render_to_string("verifiable/printable.html", context, request=request)
    return inline_images(html, base_url)


def _filename(certificate, learner):
    title = certificate.display_title or certificate.title or "certificate"
    return f"{learner.name} - {title}"


def _certificate_and_learner(site, uuid):
    certificate = credentials_api.get_certificate(site=site, uuid=uuid)
    if certificate is None:
        return None, None
    return certificate, credentials_api.get_learner_name(site=site, username=certificate.username)


# --- Rendered and cached --------------------------------------------------------------------------------


def certificate_pdf(request, uuid, *, paper):
    """The certificate as a one-page landscape PDF (Rendered), or None exactly when its page is a 404."""

    def build():
        certificate, learner = _certificate_and_learner(request.site, uuid)
        if certificate is None:
            return None
        html = printable_html(request, certificate, learner, mode="pdf", paper=paper)
        return Rendered(chromium.html_to_pdf(html), _filename(certificate, learner))

    return portable_cache.cached(request, uuid, kind=f"pdf-{paper}", build=build, variant=stylesheets_digest())


def certificate_preview(request, uuid):
    """The certificate as the 1200 x 630 PNG of its Open Graph preview (Rendered), or None (page 404)."""

    def build():
        certificate, learner = _certificate_and_learner(request.site, uuid)
        if certificate is None:
            return None
        html = printable_html(request, certificate, learner, mode="preview")
        width, height = PREVIEW_SIZE
        return Rendered(chromium.html_to_png(html, width=width, height=height), _filename(certificate, learner))

    return portable_cache.cached(request, uuid, kind="preview", build=build, variant=stylesheets_digest())
