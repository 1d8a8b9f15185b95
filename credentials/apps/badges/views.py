"""Public badge documents and the learner's progress page (spec/badges.md §12.4-12.5); thin adapters over
local_issuer.py and learner_progress.py. The progress JSON API is DRF code: api/badges_views.py."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from credentials.apps.badges import api, conf
from credentials.apps.verifiable import api as verifiable_api

# Media types a client asks for to get the signed credential instead of the page (spec/badges.md §12.4).
CREDENTIAL_TYPES = ["application/vc+ld+json", "application/ld+json", "application/json"]


def _enabled_or_404():
    # The URLs are mounted only when badges are on; this also covers a switch flipped after start-up.
    if not conf.is_enabled():
        raise Http404("Badges are not enabled.")


def _public(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def achievement(request, template_uuid):
    """The Achievement of a local template (its id in every credential issued from it)."""
    _enabled_or_404()
    template = api.get_local_template(site=request.site, template_uuid=template_uuid)
    if template is None:
        raise Http404("No such badge.")
    document = api.achievement_document(template, verifiable_api.base_url(request))
    return _public(JsonResponse(document, json_dumps_params={"ensure_ascii": False}))


def _credential_response(text):
    response = HttpResponse(text, content_type="application/json")
    response["Cache-Control"] = "no-cache"
    return _public(response)


def _wants_credential(request):
    preferred = request.get_preferred_type(["text/html", *CREDENTIAL_TYPES])
    return preferred in CREDENTIAL_TYPES


def _wallet_url(request, badge, template):
    """The owner's link to put an issued badge into the Learner Credential Wallet (the certificates' flow)."""
    user = request.user
    if not (user.is_authenticated and user.get_username() == badge.username):
        return None
    if badge.status != "awarded" or badge.state != "issued" or not verifiable_api.is_enabled(template.site):
        return None
    return reverse("wallet-add", kwargs={"uuid_hex": badge.uuid.hex})


@require_safe
def credential(request, badge_uuid):
    """The badge's public page, or its signed credential when the Accept header asks for JSON."""
    _enabled_or_404()
    badge, template = api.get_local_badge(site=request.site, badge_uuid=badge_uuid)
    if badge is None:
        raise Http404("No such badge.")
    text = api.credential_text(badge)
    if _wants_credential(request):
        if text is None:
            raise Http404("This badge has not been issued yet.")
        response = _credential_response(text)
        patch_vary_headers(response, ["Accept"])
        return response
    document = badge.credential_json or {}
    base = verifiable_api.base_url(request)
    json_path = reverse("badges:credential-json", kwargs={"badge_uuid": badge.uuid})
    context = {
        "badge": badge,
        "template": template,
        "image_url": api.icon_url(template, base),
        "learner_name": api.recipient_name(badge),
        "issued_at": badge.issued_at or parse_datetime(document.get("validFrom") or "") or None,
        "revoked": badge.status == "revoked",
        "credential_url": json_path if text else None,
        "verify_url": reverse("verify") + "?" + urlencode({"url": base + json_path}) if text else None,
        "wallet_url": _wallet_url(request, badge, template),
    }
    response = TemplateResponse(request, "badges/credential.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def credential_json(request, badge_uuid):
    """The stored signed credential, for a download link (browsers cannot choose the Accept header)."""
    _enabled_or_404()
    badge, _ = api.get_local_badge(site=request.site, badge_uuid=badge_uuid)
    text = api.credential_text(badge) if badge is not None else None
    if text is None:
        raise Http404("No issued badge with this id.")
    return _credential_response(text)


@login_required
@require_safe
def progress_page(request):
    """The learner's progress toward each badge they started, and the badges earned (staff: ?username=)."""
    _enabled_or_404()
    username = request.GET.get("username") or request.user.username
    if username != request.user.username and not (request.user.is_staff or request.user.is_superuser):
        raise Http404("No such learner.")
    body = api.learner_progress(
        site=request.site, query=api.ProgressQuery(username=username), base_url=verifiable_api.base_url(request)
    )
    for result in body["results"]:
        result["percent"] = round(result["ratio"] * 100)
    context = {"results": body["results"], "viewed_username": username if username != request.user.username else None}
    return TemplateResponse(request, "badges/progress.html", context)
