"""Public documents: credential.json, status lists, the did:web DID document (thin adapters over api.py)."""

import hashlib
import uuid

from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from credentials.apps.verifiable import api, conf


def public_base_url(request):
    """Origin put in credentials: PUBLIC_BASE_URL when set (it must never change once credentials are out)."""
    return (conf.get("PUBLIC_BASE_URL") or request.build_absolute_uri("/")).rstrip("/")


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
