"""DRF authentication with edX JWTs: `Authorization: JWT <token>` or the LMS's split JWT cookies."""

from django.conf import settings
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from credentials.apps.core import api, jwt


class JwtAuthentication(BaseAuthentication):
    """Verifies the token (core/jwt.py), then copies its claims onto the local user (core/api.py).

    A failed header token is final (401). A failed cookie token is forgiven so that session
    authentication can still succeed, as upstream does; a valid cookie for another user than the
    session's is refused. Cookie-authenticated unsafe requests are CSRF-checked like sessions.
    """

    def authenticate_header(self, request):
        return 'JWT realm="api"'

    def authenticate(self, request):
        token, from_cookie = self._token(request)
        if token is None:
            return None
        try:
            payload = jwt.decode(token)
            username = jwt.username_from(payload)
        except jwt.InvalidToken as exc:
            if from_cookie:
                return None
            raise AuthenticationFailed(str(exc)) from exc
        if len(username) > 150:
            raise AuthenticationFailed("Invalid token: the username is too long.")

        if from_cookie:
            session_user = getattr(request._request, "user", None)
            if session_user is not None and session_user.is_authenticated and session_user.username != username:
                raise AuthenticationFailed("The JWT cookie does not belong to the signed-in user.")
            SessionAuthentication().enforce_csrf(request)
        if payload.get("is_restricted"):
            raise PermissionDenied("Tokens of restricted applications may not use this API.")
        try:
            return api.user_for_jwt(username, payload), payload
        except api.IdentityClash as exc:
            raise AuthenticationFailed(str(exc)) from exc

    def _token(self, request):
        """(token, came_from_cookie), or (None, False) when the request carries no JWT."""
        conf = settings.JWT_AUTH
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header:
            parts = header.split(" ")
            if len(parts) == 2:
                prefix, token = parts
                if prefix.lower() != conf["JWT_AUTH_HEADER_PREFIX"].lower():
                    return None, False  # another scheme (e.g. Bearer): not ours, and no cookie fallback
                return token, False
        header_payload = request.COOKIES.get(conf["JWT_AUTH_COOKIE_HEADER_PAYLOAD"])
        signature = request.COOKIES.get(conf["JWT_AUTH_COOKIE_SIGNATURE"])
        if header_payload and signature:
            return f"{header_payload}.{signature}", True
        return None, False
