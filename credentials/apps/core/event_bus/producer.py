"""``EVENT_BUS_PRODUCER = "credentials.apps.core.event_bus.create_producer"``: the openedx-events producer
interface, backed by the outbox, so an event sent through it is never lost to a broker outage."""

from openedx_events.event_bus import EventBusProducer

from credentials.apps.core.event_bus import outbox


class OutboxProducer(EventBusProducer):
    def send(self, *, signal, topic, event_key_field, event_data, event_metadata):
        """Write the event to the outbox for ``topic``; it is sent when the current transaction commits."""
        outbox.enqueue(signal, event_data, event_metadata, topics=[(topic, event_key_field)])


def create_producer():
    return OutboxProducer()
