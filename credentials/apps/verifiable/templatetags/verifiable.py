"""{% verifiable_links certificate %}: the certificate page's links to its signed credential and the verifier.

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
    user = request.user
    is_owner = user.is_authenticated and user.get_username() == certificate.username
    return {
        "show": True,
        "credential_url": path,
        "verify_url": reverse("verify") + "?" + urlencode({"url": credential_url}),
        "wallet_url": reverse("wallet-add", kwargs={"uuid_hex": certificate.uuid.hex}) if is_owner else None,
    }


@register.inclusion_tag("verifiable/_records_wallet_link.html", takes_context=True)
def wallet_link(context):
    """The /records/ page's link to the learner's certificates for the wallet."""
    request = context.get("request")
    return {"show": request is not None and api.is_enabled(request.site), "url": reverse("wallet")}
