"""Dead-letter streams: where a message that can never be applied is parked, out of the way of the others.

Key ``<stream>.dlq.<group>`` (spec/events.md §11.3). An entry keeps the original fields unchanged plus
``dlq_*`` fields saying why; ``replay`` puts the original fields back on the source stream.
"""

import logging
from datetime import UTC, datetime

from credentials.apps.core.event_bus import config

log = logging.getLogger(__name__)

UNDECODABLE = "undecodable"
MAX_DELIVERIES = "max_deliveries"
PERMANENT = "permanent"
TRIMMED = "trimmed"


def park(client, *, stream, group_id, consumer_name, msg_id, fields, reason, error, deliveries, event=None):
    """Copy the entry to the dead-letter stream and acknowledge it, atomically (MULTI/EXEC)."""
    dlq_fields = dict(fields or {})
    dlq_fields.update(
        {
            b"dlq_reason": reason.encode(),
            b"dlq_error": repr(error)[:2000].encode(),
            b"dlq_source_id": _bytes(msg_id),
            b"dlq_group": group_id.encode(),
            b"dlq_consumer": consumer_name.encode(),
            b"dlq_deliveries": str(deliveries).encode(),
            b"dlq_at": datetime.now(UTC).isoformat().encode(),
        }
    )
    key = config.dead_letter_key(stream, group_id)
    with client.pipeline(transaction=True) as pipe:
        pipe.xadd(key, dlq_fields, maxlen=config.stream_max_len(), approximate=True)
        pipe.xack(stream, group_id, msg_id)
        dlq_id, _ = pipe.execute()
    log.error(
        "Dead-lettered event: id=%s type=%s reason=%s stream=%s redis_msg_id=%s dlq=%s dlq_id=%s error=%s",
        event.id if event else _header(fields, b"id"),
        event.event_type if event else _header(fields, b"type"),
        reason,
        stream,
        _text(msg_id),
        key,
        _text(dlq_id),
        repr(error)[:500],
    )
    return dlq_id


def entries(client, *, stream, group_id, ids=None):
    """[(dlq id, {field: value})] of a dead-letter stream, oldest first (only ``ids`` when given)."""
    key = config.dead_letter_key(stream, group_id)
    if ids:
        found = []
        for entry_id in ids:
            found.extend(client.xrange(key, entry_id, entry_id))
        return found
    return client.xrange(key)


def replay(client, *, stream, group_id, ids=None):
    """Put the original fields back on ``stream`` (a new stream id, the same event id) and drop them here."""
    key = config.dead_letter_key(stream, group_id)
    replayed = []
    for entry_id, fields in entries(client, stream=stream, group_id=group_id, ids=ids):
        original = {name: value for name, value in fields.items() if not name.startswith(b"dlq_")}
        with client.pipeline(transaction=True) as pipe:
            pipe.xadd(stream, original, maxlen=config.stream_max_len(), approximate=True)
            pipe.xdel(key, entry_id)
            new_id, _ = pipe.execute()
        replayed.append((_text(entry_id), _text(new_id)))
    return replayed


def purge(client, *, stream, group_id, ids=None):
    key = config.dead_letter_key(stream, group_id)
    if ids:
        return client.xdel(key, *ids)
    count = client.xlen(key)
    client.delete(key)
    return count


def _header(fields, name):
    return _text((fields or {}).get(name, b"?"))


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
