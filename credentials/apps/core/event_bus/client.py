"""One way to open a Redis connection for the event bus, with timeouts so a dead broker is noticed."""

import redis

from credentials.apps.core.event_bus import config


def redis_client(*, block_seconds=0):
    """A client on EVENT_BUS_REDIS_CONNECTION_URL. The socket timeout outlasts a blocking read of
    ``block_seconds``, so only a broker that stopped answering times out."""
    return redis.Redis.from_url(
        config.connection_url(),
        socket_connect_timeout=3,
        socket_timeout=block_seconds + 5,
        health_check_interval=30,
    )
