"""Portable certificates (thin adapters over printable.py and badge_images.py): the PDF, the social
preview image, the baked badge images and the short verification link. Each is public exactly when the
certificate page is, and a 404 otherwise."""

import logging
import re
import uuid

from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import badge_images, chromium, printable, web

log = logging.getLogger(__name__)

_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _filename(rendered, extension):
    name = _UNSAFE_IN_FILENAME.sub(" ", rendered.filename)
    return re.sub(r"\s+", " ", name).strip()[:150] + extension


def _file_response(rendered, content_type, *, extension, attachment):
    if rendered is None:
        raise Http404("No visible certificate with this id.")
    response = HttpResponse(rendered.content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, _filename(rendered, extension))
    # Revocation must show at once: a shared cache may keep it, but must ask again before each use.
    response["Cache-Control"] = "public, no-cache"
    return response


def _render_failed(exc):
    log.error("Rendering a certificate failed: %s", exc)
    return HttpResponse(
        "The certificate could not be rendered just now. Please try again in a minute.",
        status=503,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": "60"},
    )


@require_safe
def certificate_pdf(request, credential_uuid):
    """One landscape page, A4 (default) or Letter by ``?paper=``, downloaded as "<learner> - <title>.pdf"."""
    paper = request.GET.get("paper", "a4").lower()
    if paper not in printable.PAPERS:
        return HttpResponseBadRequest(
            "Unknown paper size: use ?paper=a4 or ?paper=letter.", content_type="text/plain; charset=utf-8"
        )
    try:
        rendered = printable.certificate_pdf(request, credential_uuid, paper=paper)
    except chromium.RenderError as exc:
        return _render_failed(exc)
    return _file_response(rendered, "application/pdf", extension=".pdf", attachment=True)


@require_safe
def certificate_preview(request, credential_uuid):
    """The 1200 x 630 PNG the page names as its og:image."""
    try:
        rendered = printable.certificate_preview(request, credential_uuid)
    except chromium.RenderError as exc:
        return _render_failed(exc)
    return _file_response(rendered, "image/png", extension=".png", attachment=False)


@require_safe
def badge_png(request, credential_uuid):
    try:
        rendered = badge_images.badge_png(request, credential_uuid)
    except chromium.RenderError as exc:
        return _render_failed(exc)
    return _file_response(rendered, "image/png", extension=".png", attachment=True)


@require_safe
def badge_svg(request, credential_uuid):
    rendered = badge_images.badge_svg(request, credential_uuid)
    return _file_response(rendered, "image/svg+xml", extension=".svg", attachment=True)


@require_safe
def short_verification_link(request, uuid_hex):
    """/v/<id>/, printed under the PDF's QR code: on to the verifier for this certificate (or its page)."""
    certificate = credentials_api.get_certificate(site=request.site, uuid=uuid.UUID(hex=uuid_hex))
    if certificate is None:
        raise Http404("No visible certificate with this id.")
    return HttpResponseRedirect(printable.verification_url(request.site, web.base_url(request), certificate.uuid))
