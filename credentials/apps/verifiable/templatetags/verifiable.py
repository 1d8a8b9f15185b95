"""{% verifiable_links certificate %}: the certificate page's links to its signed credential and the verifier;
{% portable_actions certificate %}: the banner's PDF, wallet and badge actions.

A template tag, so the credentials app shows the links without importing this app (DESIGN.md §4).
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from credentials.apps.verifiable import api

register = template.Library()


@register.inclusion_tag("verifiable/_certificate_links.html", takes_context=True)
def verifiable_links(context, certificate):
    request = context.get("request")
    if request is None or certificate is None or not api.is_enabled(request.site):
        return {"show": False}
    path = reverse("credential-json", kwargs={"credential_uuid": certificate.uuid})
    credential_url = api.base_url(request) + path
    return {
        "show": True,
        "credential_url": path,
        "verify_url": reverse("verify") + "?" + urlencode({"url": credential_url}),
    }


@register.inclusion_tag("verifiable/_records_wallet_link.html", takes_context=True)
def wallet_link(context):
    """The /records/ page's link to the learner's certificates for the wallet."""
    request = context.get("request")
    return {"show": request is not None and api.is_enabled(request.site), "url": reverse("wallet")}


@register.inclusion_tag("verifiable/_certificate_actions.html", takes_context=True)
def portable_actions(context, certificate):
    """The owner's banner actions that take the certificate elsewhere: the PDF (A4 and Letter), and when the
    site issues verifiable credentials, the wallet and the baked badge image."""
    request = context.get("request")
    if request is None or certificate is None:
        return {"show": False}
    kwargs = {"credential_uuid": certificate.uuid}
    pdf_url = reverse("certificate-pdf", kwargs=kwargs)
    user = request.user
    is_owner = user.is_authenticated and user.get_username() == certificate.username
    enabled = api.is_enabled(request.site)
    return {
        "show": True,
        "certificate": certificate,
        "pdf_url": pdf_url,
        "pdf_letter_url": f"{pdf_url}?paper=letter",
        "badge_url": reverse("certificate-badge-png", kwargs=kwargs) if enabled else None,
        "wallet_url": reverse("wallet-add", kwargs={"uuid_hex": certificate.uuid.hex})
        if enabled and is_owner
        else None,
    }
