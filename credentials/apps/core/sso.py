"""Browser sign-in with the LMS: the ``edx-oauth2`` social-auth backend, its pipeline steps and views.

The flow (spec/integration.md §4.5, spec/pages.md §6.3):

1. ``/login/?next=/path`` → ``/login/edx-oauth2/?next=/path`` → the LMS's ``/oauth2/authorize``;
2. the LMS sends the browser back to ``/complete/edx-oauth2/`` with a code; the server exchanges it at
   ``<URL_ROOT>/oauth2/access_token`` for a JWT access token (``token_type=jwt``) and reads the user's
   details from that token's claims;
3. the pipeline (settings.SOCIAL_AUTH_PIPELINE) finds or creates the local user and copies the name,
   e-mail and LMS user id onto it, then Django logs the user in and the browser goes to ``next``;
4. ``/logout/`` ends the session and sends the browser to the LMS's logout page.

Staff and superuser flags are never changed by sign-in: they are managed in the admin (and by the
``administrator`` claim of API JWTs).
"""

import logging
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods
from social_core.actions import do_auth
from social_core.backends.oauth import BaseOAuth2
from social_core.exceptions import AuthCanceled, AuthPolicyError, AuthResponseError, SocialAuthBaseException
from social_django import views as social_views
from social_django.utils import psa

from credentials.apps.core import api, sso_state

log = logging.getLogger(__name__)

BACKEND_NAME = "edx-oauth2"


def _setting(name, default=None):
    return getattr(settings, f"SOCIAL_AUTH_EDX_OAUTH2_{name}", default)


def lms_public_root():
    """The LMS root browsers reach (authorize and logout pages)."""
    return (_setting("PUBLIC_URL_ROOT") or _setting("URL_ROOT") or "").rstrip("/")


def lms_server_root():
    """The LMS root this server reaches (token endpoint)."""
    return (_setting("URL_ROOT") or "").rstrip("/")


def lms_configured():
    """Whether browsers can sign in with an LMS here (`make run` has none unless one is configured)."""
    return bool(lms_public_root())


class EdXOAuth2(BaseOAuth2):
    """Authorization-code flow against the LMS; the user's details are the claims of the JWT access token."""

    name = BACKEND_NAME
    ACCESS_TOKEN_METHOD = "POST"
    DEFAULT_SCOPE = ["user_id", "profile", "email"]
    ID_KEY = "user_id"
    EXTRA_DATA = [("user_id", "user_id"), ("refresh_token", "refresh_token", True), ("expires_in", "expires")]

    def authorization_url(self):
        return f"{lms_public_root()}/oauth2/authorize"

    def access_token_url(self):
        return f"{lms_server_root()}/oauth2/access_token"

    def auth_complete_params(self, state=None):
        return {**super().auth_complete_params(state), "token_type": "jwt"}

    def user_data(self, access_token, *args, **kwargs):
        # The token came straight from the LMS over the back channel, so its signature is not checked
        # (spec/integration.md §4.5 step 2); a token that is not a JWT at all is a provider error.
        try:
            claims = jwt.decode(access_token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthResponseError(self, code="malformed_response", stage="user_info") from exc
        copied = ("preferred_username", "email", "name", "given_name", "family_name", "locale", "user_id")
        data = {claim: claims.get(claim) for claim in copied}
        data["administrator"] = claims.get("administrator", False)
        data["superuser"] = claims.get("superuser", False)
        return data

    def get_user_details(self, response):
        locale = response.get("locale")
        return {
            "username": response.get("preferred_username"),
            "email": response.get("email"),
            "full_name": response.get("name"),
            "first_name": response.get("given_name"),
            "last_name": response.get("family_name"),
            "language": locale.lower().replace("_", "-") if isinstance(locale, str) else None,
            "user_id": response.get("user_id"),
            # Reported, never applied: user_details protects these (spec/integration.md §4.5 step 4).
            "is_staff": bool(response.get("administrator", False)),
            "is_superuser": bool(response.get("superuser", False)),
        }

    def get_user_id(self, details, response):
        # The association is keyed by the LMS user id, which survives renames; the username only for an LMS
        # application without the user_id scope.
        lms_user_id = api.lms_user_id_from(response)
        return str(lms_user_id) if lms_user_id is not None else details.get("username")


# --- Pipeline steps (settings.SOCIAL_AUTH_PIPELINE) -------------------------------------------------------


class LocalAccountClash(AuthPolicyError):
    """The LMS user's username is a local account here (DESIGN.md §5.16); the message says so."""


def lms_user(backend, uid, details, response, *args, **kwargs):
    """Find the account of this LMS identity by LMS user id, else by username, else create it; never a local
    account (core/identity.py). Replaces social-auth's social_user, get_user_if_exists and create_user."""
    try:
        user, created = api.get_or_create_lms_user(details.get("username"), api.lms_user_id_from(response), via="SSO")
    except api.IdentityClash as exc:
        raise LocalAccountClash(backend, str(exc), source="local_policy", stage="pipeline") from exc
    storage = backend.strategy.storage.user
    social = storage.get_social_auth(backend.name, uid)
    if social is not None and social.user_id != user.pk:
        # Associations made before the uid was the LMS user id were keyed by username: the identity decided
        # above wins, the stale association follows it.
        log.warning("Moving SSO association %s from user %s to %s", uid, social.user_id, user.pk)
        social.user = user
        social.save(update_fields=["user"])
    return {"user": user, "is_new": created, "social": social}


def update_email(strategy, details, user=None, *args, **kwargs):
    """Keep the e-mail the LMS has, but only for the user the LMS named (never another account)."""
    if user is None or not details.get("email"):
        return
    if user.username != details.get("username"):
        log.warning("Not updating the e-mail of user %s: the LMS signed in %s", user.username, details.get("username"))
        return
    if user.email != details["email"]:
        user.email = details["email"]
        user.save(update_fields=["email"])


def update_full_name(strategy, details, user=None, *args, **kwargs):
    full_name = details.get("full_name")
    if user is not None and full_name and user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])


def update_lms_user_id(strategy, details, user=None, *args, **kwargs):
    lms_user_id = api.lms_user_id_from(details)
    if user is not None and lms_user_id is not None and user.lms_user_id != lms_user_id:
        user.lms_user_id = lms_user_id
        user.save(update_fields=["lms_user_id"])


# --- Views ---------------------------------------------------------------------------------------------


# At most this many local learners are offered on the sign-in page without an LMS.
SIGN_IN_CHOICES = 20


def _safe_next(request):
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or "/records/"
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else "/records/"


def sign_in_without_lms(request):
    """No LMS to sign in with: offer the local learners through /auto_auth/ when it is on (the demo of
    `make run`), else say what an operator must configure (503) rather than sending the browser nowhere."""
    if not settings.ENABLE_AUTO_AUTH:
        return render(request, "core/sign_in.html", {"learners": None}, status=503)
    learners = api.list_local_learners(limit=SIGN_IN_CHOICES)
    next_url = _safe_next(request)
    choices = [
        {
            "user": learner,
            "url": "/auto_auth/?"
            + urlencode(
                {"username": learner.username, "staff": "false", "superuser": "false", "next": next_url}, safe="/"
            ),
        }
        for learner in learners
    ]
    return render(request, "core/sign_in.html", {"learners": choices, "next": next_url})


@never_cache
def login_redirect(request):
    """``/login/`` → the LMS sign-in, keeping the query string (``next``); without an LMS, sign_in_without_lms."""
    if not lms_configured():
        return sign_in_without_lms(request)
    target = f"/login/{BACKEND_NAME}/"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


@never_cache
@require_http_methods(["GET", "POST"])
@psa("social:complete")
def begin(request, backend):
    """Start the sign-in: end any current session, then go to the LMS's authorize page.

    GET is accepted, unlike social-auth-app-django 8's POST-only begin view, because the LMS, the
    Learner Record front-end and every ``login_required`` redirect link here with a plain GET
    (spec/pages.md §6.3). A forged GET cannot sign anyone into someone else's account: the ``state``
    stored in this browser's session must come back from the LMS, which signs in whoever uses it.
    """
    if not lms_configured():
        return sign_in_without_lms(request)
    if request.user.is_authenticated:
        logout(request)
    response = do_auth(request.backend, redirect_name=REDIRECT_FIELD_NAME, user=request.user)
    return sso_state.save(request, response)  # the state goes in a cookie, not a session row


# Where each kind of sign-in failure comes from → the status the browser gets (DESIGN.md §5.1).
FAILURE_STATUS = {"request": 400, "session": 400, "local_policy": 403, "provider_response": 502}


@never_cache
def complete(request, backend):
    """The LMS's callback. A failed sign-in shows a page with a retry link instead of a 500."""
    try:
        response = social_views.complete(request, backend)
        if request.user.is_authenticated:
            sso_state.clear(request)  # signed in: the session carries on, the sign-in state is spent
    except SocialAuthBaseException as exc:
        # The learner declining at the LMS (?error=access_denied) is their choice, not a failing LMS.
        status = 403 if isinstance(exc, AuthCanceled) else FAILURE_STATUS.get(getattr(exc, "source", None))
        if status is None:
            raise  # configuration or storage problem: a real server error, logged as one
        log.warning("Sign-in with the LMS failed (%s, %s): %s", exc.code, exc.stage, exc.detail or exc)
        # A clash would happen again on retrying: its page says why and offers no retry link.
        clash = isinstance(exc, LocalAccountClash)
        context = {"reason": exc.detail, "retry": False} if clash else {"reason": str(exc)}
        response = render(request, "core/sign_in_failed.html", context, status=status)
    return sso_state.save(request, response)


@never_cache
def inactive_account(request):
    """Where an inactive local account lands after the LMS signed it in (SOCIAL_AUTH_INACTIVE_USER_URL).

    Without this page social-auth would send it back to /login/, which the LMS answers at once: a loop.
    """
    reason = "Your account on this service is inactive. Please contact support to have it reactivated."
    return render(request, "core/sign_in_failed.html", {"reason": reason, "retry": False}, status=403)


def lms_logout_url():
    """The LMS's logout page; without an LMS, this service's home page."""
    if not _setting("LOGOUT_URL") and not lms_configured():
        return "/"
    url = (_setting("LOGOUT_URL") or f"{lms_public_root()}/logout").rstrip("/")
    redirect_url = _setting("LOGOUT_REDIRECT_URL")
    if redirect_url:
        url = f"{url}?{urlencode({'client_id': _setting('KEY'), 'redirect_url': redirect_url})}"
    return url


@never_cache
@xframe_options_exempt
def logout_view(request):
    """End the session; ``?no_redirect=1`` answers an empty 200 (the LMS loads this in an iframe)."""
    logout(request)
    if request.GET.get("no_redirect"):
        return HttpResponse("")
    return HttpResponseRedirect(lms_logout_url())
