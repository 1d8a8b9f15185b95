"""``consume_events``: openedx-events' command line (``-t``, ``-g``, ``--extra``), with exit codes a process
manager can act on: 0 after a clean stop (SIGTERM) or when consumers are switched off, 1 when the consumer
gave up (broker gone too long, too many errors), 2 for a configuration mistake (upstream exits 0 on all)."""

import json
import logging
import warnings

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from openedx_events.event_bus import NoEventBusConsumer, make_single_consumer
from openedx_events.tooling import load_all_signals

from credentials.apps.core.event_bus import config
from credentials.apps.core.event_bus.consumer import ConsumerFatalError, RedisEventConsumer

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Consume a topic's events and hand them to this service's handlers, e.g. "
        "consume_events -t learning-certificate-lifecycle -g credentials.learning-certificate-lifecycle "
        '--extra \'{"consumer_name": "credentials.learning-certificate-lifecycle.1"}\''
    )

    def add_arguments(self, parser):
        parser.add_argument("-t", "--topic", nargs=1, required=True, help="Topic to consume (without prefix)")
        parser.add_argument("-g", "--group_id", nargs=1, required=True, help="Consumer group id")
        parser.add_argument(
            "--extra",
            nargs="?",
            type=str,
            required=False,
            help="JSON object of consumer options: consumer_name, last_read_msg_id, check_backlog, "
            "claim_msgs_older_than",
        )

    def handle(self, *args, **options):
        try:
            extra = json.loads(options.get("extra") or "{}")
        except ValueError as exc:
            raise CommandError(f"--extra is not valid JSON: {exc}", returncode=2) from exc
        if not isinstance(extra, dict):
            raise CommandError("--extra must be a JSON object", returncode=2)
        load_all_signals()
        consumer = self._make_consumer(options["topic"][0], options["group_id"][0], extra)
        try:
            consumer.consume_indefinitely()
        except ConsumerFatalError as exc:
            log.error("Error consuming events: %s", exc)
            raise CommandError(f"Consumer gave up: {exc}", returncode=1) from exc
        except Exception as exc:
            log.exception("Error consuming events")
            raise CommandError(f"Consumer failed: {exc!r}", returncode=1) from exc

    def _make_consumer(self, topic, group_id, extra):
        if settings.EVENT_BUS_CONSUMER in (config.UPSTREAM_REDIS_CONSUMER, config.OUR_REDIS_CONSUMER):
            # Upstream's class path in an existing configuration means the same streams and options: ours.
            try:
                return RedisEventConsumer(topic=topic, group_id=group_id, **extra)
            except (TypeError, ImproperlyConfigured, ValueError) as exc:
                raise CommandError(f"Cannot consume events: {exc}", returncode=2) from exc
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            consumer = make_single_consumer(topic=topic, group_id=group_id, **extra)
        if isinstance(consumer, NoEventBusConsumer):
            reasons = "; ".join(str(warning.message) for warning in caught) or "no consumer configured"
            raise CommandError(f"Cannot consume events: {reasons}", returncode=2)
        return consumer
