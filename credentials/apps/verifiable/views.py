"""Public documents: credential.json, status lists, the did:web DID document (thin adapters over api.py)."""

import hashlib
import json
import re
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from credentials.apps.verifiable import api, conf


def public_base_url(request):
    return api.base_url(request)


def _json_response(text, *, max_age, request):
    etag = '"' + hashlib.sha256(text.encode("utf-8")).hexdigest() + '"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(text, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def credential_json(request, credential_uuid):
    """The certificate as a signed OB 3.0 credential; 404 exactly when the certificate page is a 404."""
    text = api.credential_json(site=request.site, uuid=credential_uuid, base_url=public_base_url(request))
    if text is None:
        raise Http404("No visible certificate with this id.")
    response = _json_response(text, max_age=0, request=request)
    response["Cache-Control"] = "no-cache"  # revocation must show at once: revalidate with the ETag
    return response


@require_safe
def status_list(request, uuid_hex):
    """A signed BitstringStatusListCredential (public, cacheable for STATUS_LIST_TTL)."""
    found = api.get_status_list(uuid.UUID(hex=uuid_hex))
    if found is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    url = f"{public_base_url(request)}{request.path}"
    text, signed_at = api.signed_status_list(found, url)
    response = _json_response(text, max_age=conf.get("STATUS_LIST_TTL"), request=request)
    response["Last-Modified"] = http_date(signed_at.timestamp())
    return response


@require_safe
def did_json(request):
    """/.well-known/did.json of did:web:<this host> (spec/verifiable.md §8)."""
    document = api.did_document(request.get_host().lower())
    if document is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    response = JsonResponse(document)
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


MAX_UPLOAD_BYTES = 256 * 1024
OWN_CREDENTIAL_PATH = re.compile(r"^/credentials/(?P<uuid>[0-9a-f]{32})/credential\.json$")
CHECK_NAMES = {
    "schema": _("Format"),
    "proof": _("Signature"),
    "validity": _("Validity dates"),
    "issuer": _("Issuer"),
    "status": _("Revocation status"),
}


def _credential_text_from_url(request, url):
    """A credential.json of this service, read directly (never over the network); None otherwise."""
    base = api.base_url(request)
    if not url.startswith(base + "/"):
        return None
    path = url[len(base) :].split("?", 1)[0]
    match = OWN_CREDENTIAL_PATH.match(path)
    if match is None:
        return api.read_own_credential(site=request.site, path=path, base_url=base)
    return api.credential_json(site=request.site, uuid=uuid.UUID(hex=match["uuid"]), base_url=base)


def _submitted_text(request):
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValueError(_("The file is larger than 256 KiB."))
        content = upload.read()
        if api.is_image(content):
            # A baked badge (PNG or SVG): the credential it carries (verifiable/baking.py).
            try:
                text = api.credential_from_image(content)
            except api.BakingError as exc:
                raise ValueError(str(exc)) from exc
            if text is None:
                raise ValueError(_("This image carries no credential: it is not a baked badge."))
            return text
        return content.decode("utf-8", errors="replace")
    return request.POST.get("credential", "")


@require_http_methods(["GET", "HEAD", "POST"])
def verify_page(request):
    """/verify/: paste, upload, or open (?url= of this service) a credential and see each check."""
    context = {"text": "", "error": None, "verification": None}
    text = None
    try:
        if request.method == "POST":
            text = _submitted_text(request)
        elif request.GET.get("url"):
            text = _credential_text_from_url(request, request.GET["url"])
            if text is None:
                raise ValueError(_("Only credentials of this service can be opened by address; paste others."))
    except ValueError as exc:
        context["error"] = str(exc)
    if text is not None and context["error"] is None:
        context["text"] = text
        try:
            body = json.loads(text)
            verification = api.verify_credential(body, base_url=api.base_url(request))
        except (json.JSONDecodeError, RecursionError):
            context["error"] = _("This is not JSON. Paste the credential's JSON text.")
        except api.NotACredential as exc:
            context["error"] = str(exc)
        else:
            context["verification"] = verification
            context["checks"] = [
                {"name": CHECK_NAMES.get(check.check, check.check), **vars(check)} for check in verification.checks
            ]
    status = 400 if context["error"] and request.method == "POST" else 200
    return TemplateResponse(request, "verifiable/verify.html", context, status=status)


@login_required
@require_safe
def wallet_page(request):
    """The learner's certificates, each with a button to add it to the Learner Credential Wallet."""
    listed = api.wallet_credentials(site=request.site, username=request.user.username, types=[])
    credentials = listed["program_credentials"] + listed["course_credentials"]
    return TemplateResponse(request, "verifiable/wallet.html", {"credentials": credentials})


@login_required
@require_safe
def wallet_add_page(request, uuid_hex):
    """One certificate's deep link and QR code for the wallet app (the same init as the JSON endpoint)."""
    try:
        answer = api.init_issuance(
            site=request.site,
            user=request.user,
            credential_uuid=uuid_hex,
            storage_id="lc_wallet",
            base_url=api.base_url(request),
        )
    except api.WalletError as exc:
        raise Http404("No certificate of yours with this id.") from exc
    return TemplateResponse(request, "verifiable/wallet_add.html", answer)
