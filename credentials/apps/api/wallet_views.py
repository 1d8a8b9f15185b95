"""/verifiable_credentials/api/v1/: the Learner Credential Wallet endpoints of upstream (spec/verifiable.md §3).

Authentication: JWT then session, as upstream; the issue endpoint also accepts a wallet's signed DID-Auth
presentation instead (verified in verifiable.wallet, unlike upstream). Error bodies are upstream's.
"""

import uuid

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from credentials.apps.api.parsers import JSONParser
from credentials.apps.verifiable import api as verifiable_api

OBJECT = {"application/json": {"type": "object"}}


def _error(exc):
    response = Response(exc.body, status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'JWT realm="api"'  # as every 401 of this API (spec/api.md §2)
    return response


class WalletRootView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: OpenApiResponse(description="Links of this API")})
    def get(self, request):
        return Response({"credentials": reverse("wallet-credentials", request=request)})


class WalletCredentialsView(APIView):
    """The caller's awarded, visible credentials (endpoint 2)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: OpenApiResponse(description="program_credentials and course_credentials")})
    def get(self, request):
        types = [name for name in request.query_params.get("types", "").split(",") if name]
        return Response(
            verifiable_api.wallet_credentials(site=request.site, username=request.user.username, types=types)
        )


class InitIssuanceView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=OBJECT,
        responses={
            200: OpenApiResponse(description="deeplink, qrcode, app links"),
            400: OpenApiResponse(description="Missing or invalid input"),
            404: OpenApiResponse(description="No such credential of the caller, or unknown storage"),
        },
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        try:
            answer = verifiable_api.init_issuance(
                site=request.site,
                user=request.user,
                credential_uuid=data.get("credential_uuid"),
                storage_id=data.get("storage_id"),
                base_url=verifiable_api.base_url(request),
            )
        except verifiable_api.WalletError as exc:
            return _error(exc)
        return Response(answer)


class IssueCredentialView(APIView):
    """The wallet's POST of its DID-Auth presentation: 201 and the signed credential."""

    authentication_classes = []  # the wallet sends no token; the presentation is its authentication
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=OBJECT,
        responses={
            201: OpenApiResponse(description="The signed OpenBadgeCredential"),
            400: OpenApiResponse(description="Unknown, expired or bound line; credential not active"),
            401: OpenApiResponse(description="The presentation does not prove its holder for this line"),
        },
    )
    def post(self, request, line_uuid):
        base_url = verifiable_api.base_url(request)
        try:
            holder = verifiable_api.authenticate_presentation(
                request.data, line_uuid=uuid.UUID(str(line_uuid)), base_url=base_url
            )
            document = verifiable_api.issue_to_wallet(
                site=request.site, line_uuid=line_uuid, holder=holder, base_url=base_url
            )
        except verifiable_api.WalletError as exc:
            return _error(exc)
        return Response(document, status=201)


class StoragesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: OpenApiResponse(description="The wallets this service issues to")})
    def get(self, request):
        return Response(verifiable_api.storages())
