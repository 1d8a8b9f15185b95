"""Outbound HTTP to the LMS and course-discovery: every call goes through a client from this module.

One ``requests.Session`` per client, a (connect, read) timeout on every call, retries with exponential
backoff for GETs only (connection errors, 429 and 5xx), and an ``Authorization: JWT <token>`` header from
one of two sources chosen by ``BACKEND_SERVICE_AUTH`` (DESIGN.md §5.14):

* ``oauth2`` (default): a client-credentials JWT from the LMS (spec/integration.md §1.1), cached in the
  Django cache under the key edx-rest-api-client uses, so every process shares one token until 5 s before
  it expires;
* ``self-signed``: a short-lived JWT this service signs itself with the claims of spec/integration.md §1.2.

Callers get parsed JSON or ``Page`` values, never a ``requests.Response``; every failure is a
``ServiceError`` whose message is one line naming the URL and the cause.
"""

import logging
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from credentials.apps.core.logging import get_request_id

log = logging.getLogger(__name__)

OAUTH2 = "oauth2"
SELF_SIGNED = "self-signed"

# Statuses worth another try: the server is overloaded, restarting or rate limiting us.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Seconds before its expiry at which a cached token is no longer used (spec/integration.md §1.1 step 4).
TOKEN_EXPIRY_MARGIN = 5
MAX_RETRY_WAIT = 60


class ServiceError(Exception):
    """An outbound call failed for good (after any retries). ``str()`` is one line fit for an operator."""

    def __init__(self, message, *, url=None, status=None):
        super().__init__(message)
        self.url = url
        self.status = status


@dataclass(frozen=True)
class Page:
    """One page of a paginated DRF list: its number, its items, and whether another page follows."""

    number: int
    results: list
    count: int | None
    has_next: bool


def _user_agent():
    return f"credentials-service python-requests/{requests.__version__}"


def _timeout():
    return (settings.BACKEND_SERVICE_CONNECT_TIMEOUT, settings.BACKEND_SERVICE_READ_TIMEOUT)


# --- Authentication ------------------------------------------------------------------------------------


def token_url(provider_url):
    """The LMS token endpoint for an OAuth2 provider root (spec/integration.md §1.1 step 1)."""
    url = provider_url.rstrip("/")
    if url.endswith("/access_token"):
        return url
    if url.endswith("/oauth2"):
        return f"{url}/access_token"
    return f"{url}/oauth2/access_token"


class ClientCredentialsAuth:
    """A JWT from the LMS's client-credentials grant, shared through the Django cache until near expiry."""

    def __init__(self, *, provider_url, client_id, client_secret):
        self.token_url = token_url(provider_url)
        self.client_id = client_id
        self.client_secret = client_secret
        self._cached = None

    @property
    def cache_key(self):
        return f"edx_rest_api_client.access_token.jwt.client_credentials.{self.client_id}.{self.token_url}"

    def get_token(self, session, timeout=None):
        # Two tiers, as edx-rest-api-client: this object (no cache round trip per call), then the cache.
        for cached in (self._cached, cache.get(self.cache_key)):
            if cached and time.time() < cached[1] - TOKEN_EXPIRY_MARGIN:
                self._cached = cached
                return cached[0]
        token, expires_in = self._request_token(session, timeout or _timeout())
        self._cached = (token, time.time() + expires_in)
        ttl = int(expires_in) - TOKEN_EXPIRY_MARGIN
        if ttl > 0:
            cache.set(self.cache_key, self._cached, ttl)
        return token

    def _request_token(self, session, timeout):
        # A POST is never retried: a failure here fails the call that needed the token.
        data = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "token_type": "jwt",
        }
        try:
            response = session.post(self.token_url, data=data, timeout=timeout)
        except requests.RequestException as exc:
            raise ServiceError(
                f"POST {self.token_url} (LMS token) failed: {_describe(exc)}", url=self.token_url
            ) from exc
        if not response.ok:
            raise ServiceError(
                f"POST {self.token_url} (LMS token) answered HTTP {response.status_code}",
                url=self.token_url,
                status=response.status_code,
            )
        try:
            body = response.json()
            return body["access_token"], float(body["expires_in"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ServiceError(
                f"POST {self.token_url} (LMS token) answered without access_token and expires_in", url=self.token_url
            ) from exc


class SelfSignedAuth:
    """A JWT this service signs itself (spec/integration.md §1.2), for an LMS without client credentials."""

    def __init__(self, *, issuer, audience, secret_key, expiration, username):
        if not secret_key:
            raise ImproperlyConfigured(
                "BACKEND_SERVICE_AUTH is self-signed but BACKEND_SERVICE_JWT_SECRET_KEY is empty."
            )
        self.issuer = issuer
        self.audience = audience
        self.secret_key = secret_key
        self.expiration = expiration
        self.username = username

    def get_token(self, session, timeout=None):
        now = int(time.time())
        claims = {
            "preferred_username": self.username,
            "username": self.username,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.expiration,
        }
        return jwt.encode(claims, self.secret_key, algorithm="HS256")


def service_auth():
    """The token source the settings choose for outbound calls."""
    mode = settings.BACKEND_SERVICE_AUTH
    if mode == OAUTH2:
        return ClientCredentialsAuth(
            provider_url=settings.BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL,
            client_id=settings.BACKEND_SERVICE_EDX_OAUTH2_KEY,
            client_secret=settings.BACKEND_SERVICE_EDX_OAUTH2_SECRET,
        )
    if mode == SELF_SIGNED:
        return SelfSignedAuth(
            issuer=settings.BACKEND_SERVICE_JWT_ISSUER,
            audience=settings.BACKEND_SERVICE_JWT_AUDIENCE,
            secret_key=settings.BACKEND_SERVICE_JWT_SECRET_KEY,
            expiration=settings.BACKEND_SERVICE_JWT_EXPIRATION,
            username=settings.CREDENTIALS_SERVICE_USER,
        )
    raise ImproperlyConfigured(f"BACKEND_SERVICE_AUTH must be {OAUTH2!r} or {SELF_SIGNED!r}, got {mode!r}.")


# --- Clients -------------------------------------------------------------------------------------------


def _describe(exc):
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "could not connect"
    return type(exc).__name__


class ServiceClient:
    """Authenticated JSON GETs against one service, over one session. Use as a context manager or close()."""

    service_name = "service"

    def __init__(self, *, auth=None):
        self.auth = auth or service_auth()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = _user_agent()
        self.session.headers["Accept"] = "application/json"
        self.retries = settings.BACKEND_SERVICE_RETRIES
        self.backoff = settings.BACKEND_SERVICE_RETRY_BACKOFF

    def call_timeout(self):
        """The (connect, read) timeout of the next call, token request included."""
        return _timeout()

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _wait(self, attempt, response=None):
        """Sleep before retry ``attempt + 1``: exponential backoff, or longer if a 429 says Retry-After."""
        if not self.backoff:
            return
        delay = self.backoff * 2**attempt
        retry_after = response.headers.get("Retry-After", "") if response is not None else ""
        if retry_after.isdigit():
            delay = max(delay, int(retry_after))
        time.sleep(min(delay, MAX_RETRY_WAIT))

    def get_json(self, url, params=None):
        """GET ``url`` and return its decoded JSON body. Raises ServiceError once retries are spent."""
        params = {name: value for name, value in (params or {}).items() if value is not None}
        attempts = self.retries + 1
        for attempt in range(attempts):
            timeout = self.call_timeout()
            headers = {"Authorization": f"JWT {self.auth.get_token(self.session, timeout)}"}
            request_id = get_request_id()
            if request_id:
                headers["X-Request-ID"] = request_id  # lets the LMS's logs be matched with ours (spec §1.1)
            last_try = attempt == attempts - 1
            tries = f" (after {attempt + 1} attempts)" if attempt else ""
            try:
                response = self.session.get(url, params=params, headers=headers, timeout=timeout)
            except requests.RequestException as exc:
                if last_try or not isinstance(exc, requests.ConnectionError | requests.Timeout):
                    raise ServiceError(f"GET {url} failed: {_describe(exc)}{tries}", url=url) from exc
                log.warning("GET %s failed (%s); retrying", url, _describe(exc))
                self._wait(attempt)
                continue
            if response.status_code in RETRY_STATUSES and not last_try:
                log.warning("GET %s answered HTTP %s; retrying", response.url, response.status_code)
                self._wait(attempt, response)
                continue
            if not response.ok:
                raise ServiceError(
                    f"GET {response.url} answered HTTP {response.status_code}{tries}",
                    url=response.url,
                    status=response.status_code,
                )
            try:
                return response.json()
            except ValueError as exc:
                raise ServiceError(f"GET {response.url} answered a body that is not JSON", url=response.url) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def iter_pages(self, url, params=None):
        """Yield every ``Page`` of a DRF page-number list: page 1, 2, ... while the answer has a ``next``.

        Pages are requested by number rather than by following ``next`` literally, as upstream does, so a
        proxy that rewrites the scheme or host in ``next`` does not matter (spec/integration.md §1.5).
        """
        number = 1
        while True:
            body = self.get_json(url, {**(params or {}), "page": number})
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(results, list):
                raise ServiceError(f"GET {url} page {number} answered without a results list", url=url)
            page = Page(number=number, results=results, count=body.get("count"), has_next=bool(body.get("next")))
            yield page
            if not page.has_next:
                return
            number += 1


class DiscoveryClient(ServiceClient):
    """course-discovery's catalog API under a site's ``catalog_api_url`` (spec/integration.md §1.5)."""

    service_name = "discovery"

    def __init__(self, api_url, *, auth=None):
        super().__init__(auth=auth)
        # Resources are joined onto the root, which therefore must end with a slash.
        self.api_url = api_url if api_url.endswith("/") else f"{api_url}/"

    def resource_url(self, resource):
        return urljoin(self.api_url, f"{resource}/")

    def iter_resource(self, resource, *, page_size=None, **params):
        """Every page of ``<root>/<resource>/``; ``page_size`` None leaves discovery's default (20)."""
        return self.iter_pages(self.resource_url(resource), {"exclude_utm": 1, "page_size": page_size, **params})


# --- Public images -------------------------------------------------------------------------------------

MAX_IMAGE_BYTES = 2 * 1024 * 1024


def fetch_image(url):
    """(content type, bytes) of a public image, e.g. an organization logo on discovery's CDN, to embed in a
    rendered certificate. No authentication, one try, the service timeouts, at most 2 MiB, ``image/*`` only;
    any failure is a ServiceError."""
    try:
        with requests.get(
            url, timeout=_timeout(), stream=True, headers={"User-Agent": _user_agent()}, allow_redirects=True
        ) as response:
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if response.status_code != 200 or not content_type.startswith("image/"):
                raise ServiceError(f"GET {url}: {response.status_code} {content_type or 'no type'}", url=url)
            content = response.raw.read(MAX_IMAGE_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise ServiceError(f"GET {url}: {_describe(exc)}", url=url) from exc
    if len(content) > MAX_IMAGE_BYTES:
        raise ServiceError(f"GET {url}: larger than {MAX_IMAGE_BYTES} bytes", url=url)
    return content_type, content
