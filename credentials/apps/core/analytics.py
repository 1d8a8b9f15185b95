"""Segment analytics (spec/integration.md §1.7): events sent with the maintained Segment library,
``segment-analytics-python``, for sites whose configuration has a ``segment_key``; nothing otherwise.

Fire and forget, as upstream: an event is queued once the transaction that caused it commits (a rolled-back
issue tells nobody) and the library's own thread sends it in batches to ``SEGMENT_HOST``, so neither a slow
nor a failing Segment ever delays or fails a request. Failures are logged.
"""

import logging
import threading

from django.conf import settings
from django.db import transaction
from segment.analytics import Client

from credentials.apps.core.models import SiteConfiguration

log = logging.getLogger(__name__)

# One client (one queue and sending thread) per write key and destination; sites share keys, and keys are few.
_clients = {}
_clients_lock = threading.Lock()


def segment_key(site):
    """The site's Segment write key, or None: analytics are off for the site."""
    if site is None:
        return None
    try:
        return site.siteconfiguration.segment_key or None
    except SiteConfiguration.DoesNotExist:
        return None


def _log_failure(error, batch):
    log.warning("Segment did not take %d event(s): %s", len(batch), error)


def _client(write_key):
    destination = (write_key, settings.SEGMENT_HOST, settings.SEGMENT_TIMEOUT, settings.SEGMENT_MAX_RETRIES)
    with _clients_lock:
        client = _clients.get(destination)
        if client is None:
            client = Client(
                write_key=write_key,
                host=settings.SEGMENT_HOST,
                timeout=settings.SEGMENT_TIMEOUT,
                max_retries=settings.SEGMENT_MAX_RETRIES,
                on_error=_log_failure,
            )
            _clients[destination] = client
        return client


def _send(write_key, **message):
    try:
        queued, _ = _client(write_key).track(**message)
        if not queued:
            log.warning("Segment event %s dropped: the send queue is full", message["event"])
    except Exception:  # a bad message or a broken client must never reach the request
        log.exception("Segment event %s not sent", message.get("event"))


def track(site, *, event, user_id, properties, context=None, timestamp=None):
    """Send ``event`` for ``user_id`` when ``site`` has a Segment key, after the current transaction commits
    (at once outside one). Returns whether the site has a key. Never raises."""
    write_key = segment_key(site)
    if not write_key:
        return False
    message = {
        "event": event,
        "user_id": user_id,
        "properties": properties,
        "context": dict(context or {}),
        "timestamp": timestamp,
    }
    transaction.on_commit(lambda: _send(write_key, **message))
    return True


def flush_analytics():
    """Wait until every queued event was sent or given up on (tests; a worker's graceful exit)."""
    with _clients_lock:
        clients = list(_clients.values())
    for client in clients:
        client.flush()


def with_page_sources(policy, site):
    """``policy`` with SEGMENT_PAGE_SOURCES added to its script-src and connect-src when ``site`` has a key
    (its pages then load analytics.js, templates/_analytics.html); unchanged otherwise."""
    sources = settings.SEGMENT_PAGE_SOURCES
    if not sources or not segment_key(site):
        return policy
    directives = {}  # name → its sources, in the policy's order
    for directive in policy.split(";"):
        if directive.strip():
            name, *values = directive.split()
            directives[name.lower()] = values
    for name in ("script-src", "connect-src"):
        # A missing directive falls back to default-src: keep what that allows.
        allowed = directives.get(name, directives.get("default-src", []))
        directives[name] = [*allowed, *(source for source in sources if source not in allowed)]
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())
