"""Where the sign-in with the LMS keeps its state between ``/login/edx-oauth2/`` and ``/complete/edx-oauth2/``.

social-auth keeps the OAuth2 ``state``, the ``next`` page and its transaction records in the Django session,
so every anonymous visit of the sign-in link stored a session row (in the database) that nothing needed after
the sign-in and nothing removed. This strategy keeps them in a signed, short-lived, HttpOnly cookie instead:
no session exists until the LMS has signed the user in and Django logs them in. The cookie is bound to the
browser as the session cookie was, so the ``state`` check still protects against forged callbacks.
"""

from django.conf import settings
from django.core import signing
from social_django.strategy import DjangoStrategy

COOKIE_NAME = "credentials_sso_state"
MAX_AGE_SECONDS = 30 * 60  # long enough to register at the LMS on the way
_SALT = "credentials.sso-state"


def _state(request):
    """The sign-in state of this request, read from its cookie once (an expired or forged cookie: none)."""
    if not hasattr(request, "_sso_state"):
        try:
            request._sso_state = signing.loads(
                request.COOKIES.get(COOKIE_NAME, ""), salt=_SALT, max_age=MAX_AGE_SECONDS
            )
        except signing.BadSignature:
            request._sso_state = {}
        if not isinstance(request._sso_state, dict):
            request._sso_state = {}
        request._sso_state_changed = False
    return request._sso_state


def _changed(request):
    request._sso_state_changed = True


def clear(request):
    _state(request).clear()
    _changed(request)


def save(request, response):
    """Write the state changed while serving ``request`` into ``response``'s cookie (or drop an emptied one)."""
    if not getattr(request, "_sso_state_changed", False):
        return response
    state = request._sso_state
    if state:
        response.set_cookie(
            COOKIE_NAME,
            signing.dumps(state, salt=_SALT, compress=True),
            max_age=MAX_AGE_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",  # the LMS sends the browser back with a top-level GET, which carries Lax cookies
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response


class CookieStateStrategy(DjangoStrategy):
    """social-auth's Django strategy with its "session" values in the signed cookie (SOCIAL_AUTH_STRATEGY)."""

    def session_get(self, name, default=None):
        return _state(self.request).get(name, default)

    def session_set(self, name, value):
        _state(self.request)[name] = value
        _changed(self.request)

    def session_pop(self, name):
        state = _state(self.request)
        if name not in state:
            return None
        _changed(self.request)
        return state.pop(name)

    def session_setdefault(self, name, value):
        state = _state(self.request)
        if name not in state:
            state[name] = value
            _changed(self.request)
        return state[name]
