"""How an outbox row reaches the broker that EVENT_BUS_PRODUCER names.

Redis (our producer, or upstream's ``edx_event_bus_redis.create_producer`` in an existing configuration):
one ``XADD`` of the frozen entry, which raises if Redis did not take it. Any other producer (Kafka):
the row is decoded back into the event and handed to that producer's ``send``.
"""

import functools
import logging

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from openedx_events.tooling import OpenEdxPublicSignal

from credentials.apps.core.event_bus import config, wire
from credentials.apps.core.event_bus.client import redis_client

log = logging.getLogger(__name__)


class RedisStreamTransport:
    def __init__(self):
        self.client = redis_client(fail_fast=True)

    def send(self, row):
        stream = config.full_topic(row.topic)
        msg_id = self.client.xadd(
            stream,
            wire.stream_fields(row.headers, row.event_data),
            maxlen=config.stream_max_len(),
            approximate=True,
        )
        if config.AUDIT_LOGGING_ENABLED.is_enabled():
            # Upstream's audit line, verbatim (spec/events.md §7.3).
            signal = OpenEdxPublicSignal.get_signal_by_type(row.event_type)
            log.info(
                f"Message delivered to Redis event bus: topic={stream}, message_id={row.event_id}, "
                f"signal={signal}, redis_msg_id={msg_id}"
            )
        return msg_id.decode() if isinstance(msg_id, bytes) else str(msg_id)


class ProducerTransport:
    """Any other openedx-events producer (e.g. ``edx_event_bus_kafka.create_producer``)."""

    def __init__(self, path):
        self.producer = import_string(path)()
        if self.producer is None:
            raise RuntimeError(f"EVENT_BUS_PRODUCER {path} returned no producer (is it configured?)")

    def send(self, row):
        signal = OpenEdxPublicSignal.get_signal_by_type(row.event_type)
        self.producer.send(
            signal=signal,
            topic=row.topic,
            event_key_field=row.event_key_field,
            event_data=wire.decode_data(signal, row.event_data),
            event_metadata=wire.metadata_from_headers(row.headers),
        )
        return ""


@functools.cache
def transport():
    """The transport of the configured producer, built once per process."""
    if config.producer_is_redis():
        return RedisStreamTransport()
    return ProducerTransport(config.producer_path())


@receiver(setting_changed)
def _forget_transport(setting, **kwargs):
    if setting.startswith("EVENT_BUS_"):
        transport.cache_clear()
