"""The transactional outbox: events we produce are rows first, stream entries second (DESIGN.md §5.18).

``enqueue`` runs inside the transaction of the change the event announces, so the event exists exactly when
the change does. After commit the rows are sent at once; rows a broker outage left unsent are re-sent by
``manage.py relay_event_outbox``. A row is marked sent only after the broker accepted it, so delivery is
at-least-once and each re-send carries the same event id (consumers de-duplicate by it).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from credentials.apps.core.event_bus import config, wire
from credentials.apps.core.event_bus.transport import transport
from credentials.apps.core.models import OutboxEvent

log = logging.getLogger(__name__)

# A relay leaves fresh rows to the on-commit sender of the process that wrote them, so the two do not
# both send the same row in the normal case.
FRESH_ROW_SECONDS = 10


def enqueue(signal, data, metadata, *, topics=None):
    """Write one outbox row per enabled topic of ``signal`` (none when no EVENT_BUS_PRODUCER is configured)
    and send them when the surrounding transaction commits. Raises if the data does not fit the schema."""
    if not config.producer_path():
        return []
    topics = config.enabled_topics(signal.event_type) if topics is None else topics
    if not topics:
        return []
    headers, avro = wire.encode(signal, data, metadata)
    rows = [
        OutboxEvent.objects.create(
            event_id=metadata.id,
            event_type=signal.event_type,
            topic=topic,
            event_key_field=key_field,
            headers=headers,
            event_data=avro,
        )
        for topic, key_field in topics
    ]
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: send_rows(OutboxEvent.objects.filter(pk__in=ids, sent_at__isnull=True)), robust=True)
    return rows


def send_rows(rows):
    """Send the rows in order until one fails; the failure is recorded on that row (with a back-off), never
    raised. Returns (sent, failed)."""
    sent = failed = 0
    for row in rows:
        try:
            stream_id = transport().send(row)
        except Exception as exc:
            failed += 1
            row.attempts += 1
            row.last_error = repr(exc)[:2000]
            row.next_attempt_at = timezone.now() + timedelta(seconds=min(300, 2**row.attempts))
            OutboxEvent.objects.filter(pk=row.pk).update(
                attempts=row.attempts, last_error=row.last_error, next_attempt_at=row.next_attempt_at
            )
            # Event id and type only: the payload holds a learner's name and e-mail.
            log.warning(
                "Event %s (%s) not delivered to topic %s (attempt %d), left in the outbox: %r",
                row.event_id,
                row.event_type,
                row.topic,
                row.attempts,
                exc,
            )
            break  # the broker is not taking events: the rest of the batch waits for the next pass
        else:
            sent += 1
            OutboxEvent.objects.filter(pk=row.pk).update(sent_at=timezone.now(), stream_id=stream_id or "")
    return sent, failed


def due_rows(now=None):
    """Unsent rows a relay should send now, oldest first."""
    now = now or timezone.now()
    return (
        OutboxEvent.objects.filter(sent_at__isnull=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(attempts__gt=0) | Q(created__lte=now - timedelta(seconds=FRESH_ROW_SECONDS)))
        .order_by("id")
    )


def relay_once(*, batch=100, now=None):
    """Send one batch of due rows; rows locked by another relay are skipped. Returns (sent, failed)."""
    with transaction.atomic():
        rows = list(due_rows(now).select_for_update(skip_locked=True)[:batch])
        return send_rows(rows)


def purge_sent(*, older_than_days=7):
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxEvent.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


def unsent_count():
    return OutboxEvent.objects.filter(sent_at__isnull=True).count()
