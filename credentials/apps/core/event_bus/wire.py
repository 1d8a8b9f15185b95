"""The stream entry of an event, as edx-event-bus-redis writes and reads it (spec/events.md §2.4, §7.2).

Built from the libraries' own pieces (openedx-events' Avro serialiser, edx-event-bus-redis' header mapping),
so what we write is byte-compatible with upstream producers and consumers.
"""

from dataclasses import dataclass

from edx_event_bus_redis.internal.message import RedisMessage
from edx_event_bus_redis.internal.utils import get_headers_from_metadata, get_metadata_from_headers
from openedx_events.data import EventsMetadata
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.tooling import OpenEdxPublicSignal

EVENT_DATA = b"event_data"


class UndecodableEvent(Exception):
    """The entry cannot become an event: headers, event type or Avro are wrong. Retrying cannot help."""


@dataclass(frozen=True)
class Event:
    signal: OpenEdxPublicSignal
    metadata: EventsMetadata
    data: dict

    @property
    def event_type(self):
        return self.metadata.event_type

    @property
    def id(self):
        return self.metadata.id


def encode(signal, data, metadata):
    """(headers as {str: str}, Avro bytes) of an event; raises when the data does not fit the schema."""
    avro = serialize_event_data_to_bytes(data, signal)
    headers = {key.decode(): value.decode() for key, value in get_headers_from_metadata(metadata).items()}
    return headers, avro


def stream_fields(headers, avro):
    """The fields of one XADD, in upstream's order: the seven headers, then ``event_data``."""
    fields = {key.encode(): value.encode() for key, value in headers.items()}
    fields[EVENT_DATA] = bytes(avro)
    return fields


def metadata_from_headers(headers):
    return get_metadata_from_headers({key.encode(): value.encode() for key, value in headers.items()})


def decode(stream, msg_id, fields):
    """The Event an entry carries; UndecodableEvent when it carries none we can handle."""
    try:
        message = RedisMessage.parse((msg_id, fields), stream)
    except Exception as exc:
        raise UndecodableEvent(f"bad headers: {exc}") from exc
    try:
        signal = OpenEdxPublicSignal.get_signal_by_type(message.event_metadata.event_type)
    except KeyError:
        raise UndecodableEvent(f"unknown event type {message.event_metadata.event_type!r}") from None
    try:
        data = deserialize_bytes_to_event_data(message.event_data, signal)
    except Exception as exc:
        raise UndecodableEvent(f"event_data does not decode as {signal.event_type}: {exc!r}") from exc
    return Event(signal=signal, metadata=message.event_metadata, data=data)


def decode_data(signal, avro):
    return deserialize_bytes_to_event_data(bytes(avro), signal)
