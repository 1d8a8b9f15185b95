"""POST /api/v2/verify/: the public verifier (verifiable.api.verify_credential), for anyone, no sign-in."""

import json

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from credentials.apps.api.parsers import JSONParser
from credentials.apps.verifiable import api as verifiable_api

MAX_BODY_BYTES = 256 * 1024
# A baked badge posted as is (Content-Type image/png or image/svg+xml): the credential inside it is verified.
BAKED_IMAGE_TYPES = ("image/png", "image/svg+xml")


def _baked_credential(content):
    """(the credential JSON carried by a baked badge image, None) or (None, what is wrong)."""
    try:
        text = verifiable_api.credential_from_image(content)
    except verifiable_api.BakingError as exc:
        return None, str(exc)
    if text is None:
        return None, "This image carries no credential: it is not a baked badge."
    try:
        return json.loads(text), None
    except (json.JSONDecodeError, RecursionError):
        return None, "The credential baked into this image is not JSON."


class VerifyRateThrottle(AnonRateThrottle):
    """30 verifications a minute per client address: each one canonicalises JSON-LD twice."""

    scope = "verify"
    THROTTLE_RATES = {"verify": "30/minute"}

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class VerifyCredentialView(APIView):
    """Verify a credential: proof, status, validity, issuer and schema, each with a plain-words detail."""

    authentication_classes = []  # public: a stray Authorization header must not turn into a 401
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]
    throttle_classes = [VerifyRateThrottle]

    @extend_schema(
        request={
            "application/json": {"type": "object"},
            "image/png": {"type": "string", "format": "binary"},
            "image/svg+xml": {"type": "string", "format": "binary"},
        },
        responses={
            200: OpenApiResponse(description="The checks"),
            400: OpenApiResponse(description="Not a credential"),
        },
    )
    def post(self, request):
        if len(request.body) > MAX_BODY_BYTES:
            return Response({"detail": "The credential is larger than 256 KiB."}, status=413)
        if request.content_type.split(";")[0].strip().lower() in BAKED_IMAGE_TYPES:
            body, error = _baked_credential(request.body)
            if error:
                return Response({"detail": error}, status=400)
        else:
            body = request.data
        try:
            verification = verifiable_api.verify_credential(body, base_url=verifiable_api.base_url(request))
        except verifiable_api.NotACredential as exc:
            return Response({"detail": str(exc)}, status=400)
        response = Response(verification.as_dict())
        response["Access-Control-Allow-Origin"] = "*"
        return response
