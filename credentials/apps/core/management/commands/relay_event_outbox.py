import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from credentials.apps.core.event_bus import outbox

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send the events a broker outage left in the outbox (oldest first, with back-off per row), and delete "
        "sent rows after EVENT_BUS_OUTBOX_RETENTION_DAYS. Runs until stopped, or once with --once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass over the due rows, then exit.")
        parser.add_argument("--batch", type=int, default=100, help="Rows per transaction (default 100).")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between passes (default 5).")

    def handle(self, *args, **options):
        last_purge = 0.0
        while True:
            sent = failed = 0
            while True:  # drain everything due, one batch per transaction
                batch_sent, batch_failed = outbox.relay_once(batch=options["batch"])
                sent, failed = sent + batch_sent, failed + batch_failed
                if batch_sent + batch_failed < options["batch"] or batch_failed:
                    break
            if sent or failed:
                log.info("Outbox relay: %d sent, %d failed, %d unsent", sent, failed, outbox.unsent_count())
            if options["once"]:
                self.stdout.write(f"{sent} sent, {failed} failed, {outbox.unsent_count()} unsent")
                return
            if time.monotonic() - last_purge > 3600:
                outbox.purge_sent(older_than_days=settings.EVENT_BUS_OUTBOX_RETENTION_DAYS)
                last_purge = time.monotonic()
            time.sleep(options["interval"])
