"""Event-bus settings, read at call time (so tests and operators can change them without re-importing).

Upstream's setting names keep their meaning (spec/events.md §7.1); the few settings of our own are marked
[OURS] in README.md. The stream key of a topic is upstream's: ``<EVENT_BUS_TOPIC_PREFIX>-<topic>``.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from edx_event_bus_redis.internal.config import get_full_topic as upstream_full_topic
from edx_toggles.toggles import SettingToggle
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

# The dotted paths of upstream's Redis classes. An operator's existing configuration names them; they mean
# "Redis Streams" to us and get our at-least-once implementation of the same wire format.
UPSTREAM_REDIS_PRODUCER = "edx_event_bus_redis.create_producer"
UPSTREAM_REDIS_CONSUMER = "edx_event_bus_redis.RedisEventConsumer"
OUR_REDIS_PRODUCER = "credentials.apps.core.event_bus.create_producer"
OUR_REDIS_CONSUMER = "credentials.apps.core.event_bus.RedisEventConsumer"

# Upstream's emergency switch (edx-event-bus-redis reads the same setting): False makes consumers exit at start.
REDIS_CONSUMERS_ENABLED = SettingToggle("EVENT_BUS_REDIS_CONSUMERS_ENABLED", default=True)
AUDIT_LOGGING_ENABLED = SettingToggle("EVENT_BUS_REDIS_AUDIT_LOGGING_ENABLED", default=True)


def setting(name, default):
    value = getattr(settings, name, None)
    return default if value is None else value


def full_topic(topic):
    """``<EVENT_BUS_TOPIC_PREFIX>-<topic>``, exactly as edx-event-bus-redis names the stream."""
    return upstream_full_topic(topic)


def dead_letter_key(stream, group_id):
    return f"{stream}.dlq.{group_id}"


def heartbeat_key(stream, group_id, consumer_name):
    return f"event-bus:heartbeat:{stream}:{group_id}:{consumer_name}"


def connection_url():
    url = getattr(settings, "EVENT_BUS_REDIS_CONNECTION_URL", None)
    if not url:
        raise ImproperlyConfigured("EVENT_BUS_REDIS_CONNECTION_URL is not set.")
    return url


def stream_max_len():
    return int(setting("EVENT_BUS_REDIS_STREAM_MAX_LEN", 10_000))


def producer_path():
    """The configured producer, or None: publishing is on whenever EVENT_BUS_PRODUCER names one."""
    return getattr(settings, "EVENT_BUS_PRODUCER", None) or None


def producer_is_redis():
    return producer_path() in (OUR_REDIS_PRODUCER, UPSTREAM_REDIS_PRODUCER)


def enabled_topics(event_type):
    """[(topic, event_key_field)] switched on for this event type in EVENT_BUS_PRODUCER_CONFIG."""
    per_topic = (getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", None) or {}).get(event_type, {})
    return [(topic, config["event_key_field"]) for topic, config in per_topic.items() if config.get("enabled") is True]


def validate_producer_config():
    """The checks openedx-events makes at startup (spec/events.md §2.2): a bad map stops the process early
    instead of silently publishing nothing."""
    config = getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", None) or {}
    if not isinstance(config, dict):
        raise ImproperlyConfigured("EVENT_BUS_PRODUCER_CONFIG must map event types to {topic: {...}}.")
    load_all_signals()
    for event_type, topics in config.items():
        try:
            OpenEdxPublicSignal.get_signal_by_type(event_type)
        except KeyError:
            raise ImproperlyConfigured(
                f"EVENT_BUS_PRODUCER_CONFIG: no Open edX event of type {event_type!r}."
            ) from None
        if not isinstance(topics, dict):
            raise ImproperlyConfigured(f"EVENT_BUS_PRODUCER_CONFIG[{event_type!r}] must be a dict of topics.")
        for topic, topic_config in topics.items():
            if not isinstance(topic_config, dict):
                raise ImproperlyConfigured(f"EVENT_BUS_PRODUCER_CONFIG[{event_type!r}][{topic!r}] must be a dict.")
            for key, kind in (("event_key_field", str), ("enabled", bool)):
                if not isinstance(topic_config.get(key), kind):
                    raise ImproperlyConfigured(
                        f"EVENT_BUS_PRODUCER_CONFIG[{event_type!r}][{topic!r}][{key!r}] must be a {kind.__name__}."
                    )
