"""A certificate's badge image, baked with its signed credential.json (baking.py): ``badge.svg`` and
``badge.png``. The image is drawn here (templates/verifiable/badge.svg: the title, the kind of certificate,
the organization the certificate names, the issue month) so that it never depends on another host; the PNG
is that SVG rendered by headless Chromium. Cached like the other renderings (portable_cache.py), keyed by
the credential text too, so the image always carries the credential.json served at the same moment.
"""

import hashlib
import textwrap

from django.template.loader import render_to_string
from django.utils import formats, translation

from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import baking, chromium, portable_cache, served, web
from credentials.apps.verifiable.printable import Rendered

BADGE_SIZE = 400
TITLE_WIDTH = 22  # characters per line of the title on the badge
TITLE_LINES = 3


def _title_lines(title):
    lines = textwrap.wrap(title, TITLE_WIDTH) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][: TITLE_WIDTH - 1].rstrip() + "…"
    first_y = 222 - (len(lines) - 1) * 16
    return [{"text": line, "y": first_y + index * 32} for index, line in enumerate(lines)]


def badge_svg_text(certificate):
    """The badge drawing (not yet baked), in the certificate's language."""
    with translation.override(certificate.language):
        organization = credentials_api.org_name_string(certificate.organization_names)
        issued = formats.date_format(certificate.issue_date, "F Y") if certificate.issue_date else ""
        title = certificate.display_title or certificate.title or ""
        return render_to_string(
            "verifiable/badge.svg",
            {
                "title": title,
                "title_lines": _title_lines(title),
                "kind": certificate.type_name or "",
                "organization": organization,
                "issued": issued,
            },
        )


def _credential_text(request, uuid):
    return served.credential_json(site=request.site, uuid=uuid, base_url=web.base_url(request))


def _filename(certificate):
    return f"{certificate.display_title or certificate.title or 'badge'} - {certificate.uuid.hex}"


def _baked(request, uuid, *, kind, bake):
    credential_text = _credential_text(request, uuid)
    if credential_text is None:
        return None  # no page, or the site issues no verifiable credentials

    def build():
        certificate = credentials_api.get_certificate(site=request.site, uuid=uuid)
        if certificate is None:
            return None
        return Rendered(bake(badge_svg_text(certificate), credential_text), _filename(certificate))

    digest = hashlib.sha256(credential_text.encode("utf-8")).hexdigest()
    return portable_cache.cached(request, uuid, kind=kind, build=build, variant=digest)


def badge_svg(request, uuid):
    """The baked SVG badge (Rendered) of credential ``uuid``, or None when it has no credential.json."""
    return _baked(request, uuid, kind="badge-svg", bake=lambda svg, text: baking.bake_svg(svg, text).encode("utf-8"))


def _png(svg, text):
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:transparent}'
        f"svg{{display:block}}</style></head><body>{svg}</body></html>"
    )
    image = chromium.html_to_png(html, width=BADGE_SIZE, height=BADGE_SIZE, transparent=True)
    return baking.bake_png(image, text)


def badge_png(request, uuid):
    """The baked PNG badge (Rendered) of credential ``uuid``, or None when it has no credential.json."""
    return _baked(request, uuid, kind="badge-png", bake=_png)
