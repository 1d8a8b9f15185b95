import json

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.core.event_bus.status import bus_status

DEFAULT_TOPICS = ["learning-certificate-lifecycle", "learning-program-certificate-lifecycle"]


class Command(BaseCommand):
    help = (
        "Per topic and consumer group: stream length, lag (entries not yet read by the group), pending "
        "(read, not yet acknowledged), oldest pending idle time, consumers, dead letters; and unsent outbox rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("-t", "--topic", action="append", help="Topic (repeatable; default: ours).")
        parser.add_argument("-g", "--group_id", help="Only this consumer group.")
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")

    def handle(self, *args, **options):
        try:
            status = bus_status(options["topic"] or DEFAULT_TOPICS, options["group_id"])
        except Exception as exc:
            raise CommandError(f"Cannot read the event bus status: {exc!r}", returncode=1) from exc
        if options["json"]:
            self.stdout.write(json.dumps(status, indent=2))
            return
        for topic in status["topics"]:
            self.stdout.write(f"{topic['stream']}: {topic['length']} entries")
            for group in topic["groups"]:
                live = sum(1 for consumer in group["consumers"] if consumer["alive"])
                self.stdout.write(
                    f"  group {group['group']}: lag={group['lag']} pending={group['pending']} "
                    f"oldest_pending_idle_ms={group['oldest_pending_idle_ms']} dead_letters={group['dead_letters']} "
                    f"consumers={len(group['consumers'])} (alive {live})"
                )
        self.stdout.write(f"outbox: {status['outbox_unsent']} unsent")
