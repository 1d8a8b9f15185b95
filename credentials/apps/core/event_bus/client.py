"""One way to open a Redis connection for the event bus, with timeouts so a dead broker is noticed."""

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from credentials.apps.core.event_bus import config


def redis_client(*, block_seconds=0, fail_fast=False):
    """A client on EVENT_BUS_REDIS_CONNECTION_URL. The socket timeout outlasts a blocking read of
    ``block_seconds``, so only a broker that stopped answering times out.

    redis-py's own silent retries are off: the consumer and the outbox retry themselves, with back-off, and say
    so in the log. ``fail_fast``: short timeouts, for sends made at the end of a web request (a broker outage
    must not hold the response; the outbox keeps the event for the relay)."""
    options = {
        "socket_connect_timeout": 3,
        "socket_timeout": block_seconds + 5,
        "health_check_interval": 30,
        "retry": Retry(NoBackoff(), 0),
    }
    if fail_fast:
        options.update(socket_connect_timeout=1, socket_timeout=2)
    return redis.Redis.from_url(config.connection_url(), **options)
