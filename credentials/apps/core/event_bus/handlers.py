"""Who handles which platform event, and applying an event exactly once per consumer group.

Domain apps register their handlers here (``core.api.register_event_handler``); the consumer applies each
event in one transaction that also records the event id, so a redelivered or duplicated event changes
nothing the second time (spec/events.md §11.4).
"""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from credentials.apps.core.models import ConsumedEvent

log = logging.getLogger(__name__)

OK = "ok"
DUPLICATE = "duplicate"
STALE = "stale"
IGNORED = "ignored"  # no handler for this event type here (e.g. our own events on a shared stream)


class PermanentEventError(Exception):
    """Raised by a handler for an event that can never be applied (unknown course run, ...): the consumer
    parks it in the dead-letter stream at once instead of retrying it."""


class HandlerFailed(Exception):
    """One or more handlers raised; the event was rolled back and stays pending for a retry."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{name}: {error!r}" for name, error in errors))
        self.errors = errors

    @property
    def permanent(self):
        return any(isinstance(error, PermanentEventError) for _, error in self.errors)


@dataclass(frozen=True)
class _Registration:
    handler: object
    entity_key: object


_registry = {}  # event_type -> {dispatch_uid: _Registration}


def register(signal, handler, *, entity_key=None):
    """Call ``handler(event_data..., metadata=)`` for every ``signal`` event a consumer receives.

    ``entity_key(data) -> str`` names what the event is about; an event older than one already applied
    to the same entity is skipped as stale, so a replayed old event cannot undo a newer one.
    Registering the same handler twice is harmless. Returns a function that undoes the registration.
    """
    uid = f"{handler.__module__}.{handler.__qualname__}"
    _registry.setdefault(signal.event_type, {})[uid] = _Registration(handler, entity_key)

    def receiver(sender, signal, metadata, **kwargs):
        data = {key: kwargs[key] for key in signal.init_data if key in kwargs}
        with transaction.atomic():  # one savepoint per handler
            return handler(metadata=metadata, **data)

    receiver.__qualname__ = uid
    signal.connect(receiver, dispatch_uid=uid, weak=False)

    def unregister():
        _registry.get(signal.event_type, {}).pop(uid, None)
        signal.disconnect(dispatch_uid=uid)

    return unregister


def has_handlers(event_type):
    return bool(_registry.get(event_type))


def _entity_key(event):
    for registration in _registry.get(event.event_type, {}).values():
        if registration.entity_key is not None:
            return registration.entity_key(event.data)
    return None


def _receiver_errors(responses):
    errors = []
    for receiver, response in responses:
        if isinstance(response, BaseException):
            errors.append((getattr(receiver, "__qualname__", repr(receiver)), response))
    return errors


def apply(event, *, group_id, stream, msg_id):
    """Run the handlers of ``event`` unless this group already did; returns the outcome.

    Raises HandlerFailed (after rolling everything back) when a handler raised.
    """
    if not has_handlers(event.event_type):
        return IGNORED
    entity_key = _entity_key(event)
    try:
        with transaction.atomic():
            seen = ConsumedEvent.objects.select_for_update().filter(event_id=event.id, group_id=group_id).first()
            if seen is not None and seen.status in (ConsumedEvent.DONE, ConsumedEvent.SKIPPED_STALE):
                return DUPLICATE
            outcome, status = OK, ConsumedEvent.DONE
            if entity_key and _newer_event_applied(group_id, entity_key, event.metadata.time):
                outcome, status = STALE, ConsumedEvent.SKIPPED_STALE
            else:
                errors = _dispatch(event)
                if errors:
                    raise HandlerFailed(errors)
            record = seen or ConsumedEvent(event_id=event.id, group_id=group_id)
            record.event_type, record.stream, record.redis_msg_id = event.event_type, stream, _text(msg_id)
            record.entity_key, record.event_time, record.status, record.last_error = (
                entity_key,
                event.metadata.time,
                status,
                "",
            )
            record.save()
    except IntegrityError:
        # A sibling consumer recorded the same event id first: it is applied, this copy is a duplicate.
        if ConsumedEvent.objects.filter(event_id=event.id, group_id=group_id, status=ConsumedEvent.DONE).exists():
            return DUPLICATE
        raise
    return outcome


def _dispatch(event):
    """Send the event to its in-process receivers (ours and any other); the errors they raised."""
    try:
        responses = event.signal.send_event_with_custom_metadata(event.metadata, **event.data)
    except Exception as exc:  # DEBUG (or allow_send_event_failure) sends non-robustly: the first error escapes
        return [("receiver", exc)]
    return _receiver_errors(responses)


def _newer_event_applied(group_id, entity_key, event_time):
    return ConsumedEvent.objects.filter(
        group_id=group_id, entity_key=entity_key, status=ConsumedEvent.DONE, event_time__gt=event_time
    ).exists()


def record_dead(event, *, group_id, stream, msg_id, error):
    """Remember a dead-lettered event (so an operator can find it by id); a replay may still apply it."""
    ConsumedEvent.objects.update_or_create(
        event_id=event.id,
        group_id=group_id,
        defaults={
            "event_type": event.event_type,
            "stream": stream,
            "redis_msg_id": _text(msg_id),
            "event_time": event.metadata.time,
            "status": ConsumedEvent.DEAD,
            "last_error": str(error)[:2000],
        },
    )


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)
