"""Django's PyMemcacheCache, made to say when memcached fails.

With ``ignore_exc`` pymemcache already turns a memcached outage (connection refused, timeouts, resets,
protocol errors) into cache misses and failed writes, but silently. This backend logs each failed call
with the server and the error, and logs when pymemcache stops trying a server for ``dead_timeout`` seconds
and when it tries it again, so an outage shows in the logs without flooding them.
"""

import logging

from django.core.cache.backends.memcached import PyMemcacheCache as DjangoPyMemcacheCache
from pymemcache.client.hash import HashClient
from pymemcache.client.rendezvous import RendezvousHash

log = logging.getLogger(__name__)


def _server_name(server):
    return "{}:{}".format(*server) if isinstance(server, tuple | list) else str(server)


def _log_failure(server, operation, exc):
    log.warning(
        "memcached %s: %s failed (%s: %s); serving without the cache",
        _server_name(server),
        operation,
        type(exc).__name__,
        exc,
        extra={"cache_server": _server_name(server), "cache_error": type(exc).__name__},
    )


class RendezvousHashOneServerFast(RendezvousHash):
    """pymemcache's rendezvous hash, which computes a pure-Python murmur3 per key and server; with one server
    (the usual deployment) the answer is that server, so nothing is computed (a few % of a write request's
    CPU time went to it, issue 20). With several servers keys go where pymemcache puts them."""

    def get_node(self, key):
        if len(self.nodes) == 1:
            return self.nodes[0]
        return super().get_node(key)


class LoggingHashClient(HashClient):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("hasher", RendezvousHashOneServerFast)
        super().__init__(*args, **kwargs)

    def _safely_run_func(self, client, func, default_val, *args, **kwargs):
        def logged(*call_args, **call_kwargs):
            try:
                return func(*call_args, **call_kwargs)
            except Exception as exc:
                _log_failure(client.server, getattr(func, "__name__", "call"), exc)
                raise

        return super()._safely_run_func(client, logged, default_val, *args, **kwargs)

    def _set_many(self, client, values, *args, **kwargs):
        # pymemcache's own version reports every key as stored when the call fails under ignore_exc.
        try:
            failed = client.set_many(values, *args, **kwargs)
        except Exception as exc:
            _log_failure(client.server, "set_many", exc)
            if not self.ignore_exc:
                return [], [], exc
            return [], list(values), None
        return [key for key in values if key not in failed], failed, None

    def remove_server(self, server, port=None):
        log.warning(
            "memcached %s is marked down for %s seconds",
            _server_name(server),
            self.dead_timeout,
            extra={"cache_server": _server_name(server)},
        )
        return super().remove_server(server, port)

    def add_server(self, server, port=None):
        if server in self._dead_clients:
            log.info(
                "memcached %s: trying it again", _server_name(server), extra={"cache_server": _server_name(server)}
            )
        return super().add_server(server, port)


class PyMemcacheCache(DjangoPyMemcacheCache):
    """``django.core.cache.backends.memcached.PyMemcacheCache`` whose failures are logged."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = LoggingHashClient

    def close(self, **kwargs):
        # Django calls this after every request and the memcached backends then drop their sockets, so each
        # request would pay new TCP connections. pymemcache's pool keeps them safely (a broken socket is
        # discarded and reopened), so they are kept; disconnect() really closes them (after a fork).
        pass

    def disconnect(self):
        super().close()
