"""Producing a platform event from inside a domain change (``core.api.publish_event``)."""

from datetime import UTC

from credentials.apps.core.event_bus import outbox


def publish_event(signal, *, time=None, **data):
    """Send ``signal`` in-process and write it to the outbox for every topic switched on for it.

    Call inside the transaction that made the change: the outbox rows commit (or roll back) with it and are
    sent after commit. Returns the event's metadata (its ``id`` is the id consumers de-duplicate by).
    """
    metadata = signal.generate_signal_metadata(time=time.astimezone(UTC) if time else None)
    outbox.enqueue(signal, data, metadata)
    # In-process receivers see the same event id as the bus. openedx-events' public send_event() would mint
    # another id, and send_event_with_custom_metadata() would flag the event as coming from the bus.
    signal._send_event_with_metadata(metadata=metadata, **data)
    return metadata
