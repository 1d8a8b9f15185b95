"""The event bus (spec/events.md) and badges (spec/badges.md), which consume and publish on it. Imported by base."""

from credentials.apps.badges.conf import default_badges_config
from credentials.settings import env

# --- Event bus (spec/events.md; README.md "Event bus") ---------------------------------------------------
# Upstream's setting names. Publishing is on whenever EVENT_BUS_PRODUCER names a producer: our outbox-backed
# Redis producer, upstream's `edx_event_bus_redis.create_producer` (the same Redis Streams, with our outbox),
# or e.g. `edx_event_bus_kafka.create_producer`. openedx_events is deliberately not in INSTALLED_APPS: its
# ready() would connect a second, fire-and-forget publisher to every configured event (core/event_bus/).
EVENT_BUS_PRODUCER = env.get_str("EVENT_BUS_PRODUCER", None)
EVENT_BUS_CONSUMER = env.get_str("EVENT_BUS_CONSUMER", "credentials.apps.core.event_bus.RedisEventConsumer")
EVENT_BUS_REDIS_CONNECTION_URL = env.get_str("EVENT_BUS_REDIS_CONNECTION_URL", "redis://127.0.0.1:6379/0")
EVENT_BUS_TOPIC_PREFIX = env.get_str("EVENT_BUS_TOPIC_PREFIX", "dev")
EVENT_BUS_REDIS_CONSUMERS_ENABLED = env.get_bool("EVENT_BUS_REDIS_CONSUMERS_ENABLED", True)
EVENT_BUS_REDIS_AUDIT_LOGGING_ENABLED = env.get_bool("EVENT_BUS_REDIS_AUDIT_LOGGING_ENABLED", True)
EVENT_BUS_REDIS_STREAM_MAX_LEN = env.get_int("EVENT_BUS_REDIS_STREAM_MAX_LEN", 10_000)
EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = env.get_int("EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT", 60)
EVENT_BUS_REDIS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT = env.get_int(
    "EVENT_BUS_REDIS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT", None
)
# [OURS] At-least-once consumption: a failed entry is retried once idle this long (ms), at most this many
# deliveries, then parked in <stream>.dlq.<group>; the consumer gives up (exit 1) after this long without Redis.
EVENT_BUS_REDIS_CLAIM_IDLE_MS = env.get_int("EVENT_BUS_REDIS_CLAIM_IDLE_MS", 60_000)
EVENT_BUS_REDIS_CLAIM_INTERVAL_S = env.get_int("EVENT_BUS_REDIS_CLAIM_INTERVAL_S", 15)
EVENT_BUS_REDIS_MAX_DELIVERIES = env.get_int("EVENT_BUS_REDIS_MAX_DELIVERIES", 5)
EVENT_BUS_REDIS_CONSUMER_BATCH_SIZE = env.get_int("EVENT_BUS_REDIS_CONSUMER_BATCH_SIZE", 10)
EVENT_BUS_REDIS_FATAL_AFTER_S = env.get_int("EVENT_BUS_REDIS_FATAL_AFTER_S", 300)
EVENT_BUS_OUTBOX_RETENTION_DAYS = env.get_int("EVENT_BUS_OUTBOX_RETENTION_DAYS", 7)
# Switch a topic off with "enabled": false (upstream ships these off; here they are on once a producer is set).
EVENT_BUS_PRODUCER_CONFIG = env.get_json(
    "EVENT_BUS_PRODUCER_CONFIG",
    {
        event_type: {
            "learning-program-certificate-lifecycle": {
                "event_key_field": "program_certificate.program.uuid",
                "enabled": True,
            }
        }
        for event_type in (
            "org.openedx.learning.program.certificate.awarded.v1",
            "org.openedx.learning.program.certificate.revoked.v1",
        )
    }
    | {
        event_type: {"learning-badges-lifecycle": {"event_key_field": "badge.uuid", "enabled": True}}
        for event_type in ("org.openedx.learning.badge.awarded.v1", "org.openedx.learning.badge.revoked.v1")
    },
)
EVENTS_SERVICE_NAME = "credentials"  # events carry source "openedx/credentials/web"

# --- Badges (spec/badges.md §1-2; README.md "Badges") ------------------------------------------------------
# Off by default: no event handlers, admin, URLs or checks. BADGES_CONFIG is upstream's dict; a YAML file
# replaces it whole, and a key left out falls back to these defaults (credentials/apps/badges/conf.py).
BADGES_ENABLED = env.get_bool("BADGES_ENABLED", False)
BADGES_CONFIG = env.get_json("BADGES_CONFIG", None) or default_badges_config()
