import json

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.core.event_bus import config, dead_letters
from credentials.apps.core.event_bus.client import redis_client


class Command(BaseCommand):
    help = (
        "List, replay (back onto the source stream, same event id) or purge the dead letters of a topic and "
        "consumer group. replay and purge need --id (repeatable) or --all."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "replay", "purge"])
        parser.add_argument("-t", "--topic", required=True, help="Topic (without prefix)")
        parser.add_argument("-g", "--group_id", required=True, help="Consumer group")
        parser.add_argument("--id", action="append", dest="ids", help="A dead-letter entry id (repeatable)")
        parser.add_argument("--all", action="store_true")

    def handle(self, *args, **options):
        action, ids = options["action"], options["ids"]
        if action != "list" and not ids and not options["all"]:
            raise CommandError(f"{action} needs --id or --all", returncode=2)
        stream = config.full_topic(options["topic"])
        client = redis_client()
        try:
            if action == "list":
                for entry_id, fields in dead_letters.entries(
                    client, stream=stream, group_id=options["group_id"], ids=ids
                ):
                    shown = {
                        key.decode(): value.decode(errors="replace")
                        for key, value in fields.items()
                        if key != b"event_data"  # Avro with the learner's name and e-mail
                    }
                    self.stdout.write(json.dumps({"dlq_id": entry_id.decode(), **shown}))
            elif action == "replay":
                for old, new in dead_letters.replay(client, stream=stream, group_id=options["group_id"], ids=ids):
                    self.stdout.write(f"replayed {old} as {new}")
            else:
                count = dead_letters.purge(client, stream=stream, group_id=options["group_id"], ids=ids)
                self.stdout.write(f"purged {count}")
        finally:
            client.close()
