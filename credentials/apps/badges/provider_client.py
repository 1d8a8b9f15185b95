"""HTTP transport shared by the Credly and Accredible clients (spec/badges.md §6.1, §8.1).

One ``requests.Session`` per client, JSON in and out, a 10 s timeout on every call. Every failure (a non-2xx
answer, a body that is not JSON, a timeout, a refused or dropped connection) is a ``BadgeProviderError``, so
an issuer catches one class, marks the badge ``error`` and moves on (spec/badges.md §12.2 #4); upstream let
timeouts and connection errors escape unwrapped.
"""

import logging
import time

import requests

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds, as upstream's requests.request(..., timeout=10)


class BadgeProviderError(Exception):
    """A call to Credly or Accredible failed. ``status`` is the HTTP status when the provider answered."""

    def __init__(self, message, *, status=None):
        super().__init__(message)
        self.status = status


class ProviderUnreachable(BadgeProviderError):
    """The provider did not answer: a timeout, or a connection refused or dropped. Worth retrying a GET."""


def _describe(exc):
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


class ProviderClient:
    """JSON requests to one provider's API root. Subclasses set ``provider`` and ``authorization()``."""

    provider = "provider"
    # Pauses before the 2nd, 3rd and 4th try of a paginated GET (spec/badges.md §6.2).
    retry_delays = (0.5, 1, 2)

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def authorization(self):
        raise NotImplementedError

    def headers(self):
        return {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": self.authorization(),
        }

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def request(self, method, url, data=None):
        """Send ``data`` as JSON to the absolute ``url``; the decoded JSON answer, or BadgeProviderError."""
        try:
            response = self.session.request(method, url, json=data, headers=self.headers(), timeout=TIMEOUT)
        except requests.RequestException as exc:
            log.error("Error while processing %s request: %s %s %s", self.provider, method, url, _describe(exc))
            error = ProviderUnreachable if isinstance(exc, requests.ConnectionError | requests.Timeout) else None
            raise (error or BadgeProviderError)(f"{method} {url} {_describe(exc)}") from exc
        if not 200 <= response.status_code < 300:
            # Upstream's log line and message, so operators' alerts keep matching.
            log.error("Error while processing %s request: %s - %s", self.provider, response.status_code, response.text)
            raise BadgeProviderError(f"{response.text} Status({response.status_code})", status=response.status_code)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            log.error("Error while processing %s request: %s answered a body that is not JSON", self.provider, url)
            raise BadgeProviderError(f"{method} {url} answered a body that is not JSON") from exc

    def get_with_retries(self, url):
        """A GET tried again after a timeout or a dropped connection, ``retry_delays`` apart."""
        for delay in self.retry_delays:
            try:
                return self.request("GET", url)
            except ProviderUnreachable:
                log.warning("%s GET %s did not answer; trying again in %s s", self.provider, url, delay)
                time.sleep(delay)
        return self.request("GET", url)
