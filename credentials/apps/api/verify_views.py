"""POST /api/v2/verify/: the public verifier (verifiable.api.verify_credential), for anyone, no sign-in."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from credentials.apps.api.parsers import JSONParser
from credentials.apps.verifiable import api as verifiable_api

MAX_BODY_BYTES = 256 * 1024


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
        request={"application/json": {"type": "object"}},
        responses={
            200: OpenApiResponse(description="The checks"),
            400: OpenApiResponse(description="Not a credential"),
        },
    )
    def post(self, request):
        if len(request.body) > MAX_BODY_BYTES:
            return Response({"detail": "The credential is larger than 256 KiB."}, status=413)
        try:
            verification = verifiable_api.verify_credential(request.data, base_url=verifiable_api.base_url(request))
        except verifiable_api.NotACredential as exc:
            return Response({"detail": str(exc)}, status=400)
        response = Response(verification.as_dict())
        response["Access-Control-Allow-Origin"] = "*"
        return response
