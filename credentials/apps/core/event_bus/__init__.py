"""The event bus plumbing: a domain-neutral service that other apps reach through ``core.api``.

``EVENT_BUS_PRODUCER`` / ``EVENT_BUS_CONSUMER`` name the two entry points below (spec/events.md §11.1).
"""

from credentials.apps.core.event_bus.consumer import RedisEventConsumer
from credentials.apps.core.event_bus.producer import create_producer

__all__ = ["RedisEventConsumer", "create_producer"]
