"""The LMS user lookup behind the certificate page (spec/integration.md §1.3).

The account and the name-affirmation answer are merged into one dict and cached under
``user.api.data.<md5(username)>`` for ``USER_CACHE_TTL`` seconds, so a warm page makes no outbound call.

The page must never hang on the LMS (DESIGN.md §5.9): the calls go through ``core.clients`` (a timeout on
every call) without retries, and after a failure the LMS is not asked again about that learner for
``FAILURE_BACKOFF_SECONDS``; callers fall back to the locally stored name meanwhile.
"""

import hashlib
import logging
import time
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from credentials.apps.core.clients import ServiceClient, ServiceError

log = logging.getLogger(__name__)

# Seconds during which a failed lookup is not retried for the same learner (each retry could cost a timeout).
FAILURE_BACKOFF_SECONDS = 60
# Fields of the name-affirmation answer merged into the account dict (spec/integration.md §1.3 step 3).
VERIFIED_NAME_FIELDS = ("verified_name", "use_verified_name_for_certs")


class LmsUnavailable(Exception):
    """The LMS could not tell us about this learner (unreachable, timed out, or answered an error)."""


class LmsClient(ServiceClient):
    """The LMS APIs, asked on behalf of a page a person is waiting for: one attempt per call, no retry, and
    all the calls of one lookup (token, account, verified name) within LMS_USER_LOOKUP_TIMEOUT seconds."""

    service_name = "lms"

    def __init__(self, *, auth=None):
        super().__init__(auth=auth)
        self.retries = 0
        self.deadline = time.monotonic() + settings.LMS_USER_LOOKUP_TIMEOUT

    def call_timeout(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise ServiceError(f"The LMS lookup ran out of its {settings.LMS_USER_LOOKUP_TIMEOUT} s")
        connect, read = super().call_timeout()
        return (min(connect, remaining), min(read, remaining))


def user_data_cache_key(username):
    return f"user.api.data.{hashlib.md5(username.encode('utf-8')).hexdigest()}"


def _failure_cache_key(username):
    return f"{user_data_cache_key(username)}.unavailable"


def get_cached_user_data(username):
    """The cached account dict for ``username``, or None; never calls the LMS."""
    return cache.get(user_data_cache_key(username)) or None


def get_user_data(site_configuration, username, *, client=None):
    """The learner's LMS account (``name``, ``username``, ...) plus ``verified_name`` and
    ``use_verified_name_for_certs`` when name affirmation answers 200. Raises LmsUnavailable."""
    data = get_cached_user_data(username)
    if data is not None:
        return data
    if cache.get(_failure_cache_key(username)):
        raise LmsUnavailable(f"The LMS failed recently for {username}; not asking again yet.")

    own_client = client is None
    try:
        client = client or LmsClient()
    except ImproperlyConfigured as exc:
        # A broken outbound-auth setting must not take learners' certificates down with it.
        log.error("LMS user lookup for %s is impossible: %s", username, exc)
        cache.set(_failure_cache_key(username), True, FAILURE_BACKOFF_SECONDS)
        raise LmsUnavailable(str(exc)) from exc
    try:
        data = client.get_json(f"{site_configuration.user_api_url}accounts/{quote(username, safe='')}")
        if not isinstance(data, dict):
            raise ServiceError(f"The LMS account of {username} is not a JSON object")
        try:
            verified = client.get_json(site_configuration.name_verification_api_url, {"username": username})
        except ServiceError as exc:
            # Only a 200 counts; any other answer leaves the account as it is (spec/integration.md §1.3).
            log.info("No verified name for %s: %s", username, exc)
        else:
            if isinstance(verified, dict):
                data.update({field: verified[field] for field in VERIFIED_NAME_FIELDS if field in verified})
    except ServiceError as exc:
        log.warning("LMS user lookup for %s failed: %s", username, exc)
        cache.set(_failure_cache_key(username), True, FAILURE_BACKOFF_SECONDS)
        raise LmsUnavailable(str(exc)) from exc
    finally:
        if own_client:
            client.close()

    cache.set(user_data_cache_key(username), data, settings.USER_CACHE_TTL)
    return data
