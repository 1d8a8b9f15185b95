"""Re-read every entry's credential, set the bits of revoked ones, and re-sign the lists."""

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.verifiable import api, conf


class Command(BaseCommand):
    help = "Rebuild and re-sign status lists (all, or --list <uuid hex>); base_url is the service's public origin."

    def add_arguments(self, parser):
        parser.add_argument(
            "base_url",
            nargs="?",
            help="Public origin of the service, e.g. https://credentials.example.com (default: PUBLIC_BASE_URL).",
        )
        parser.add_argument("--list", dest="list_uuid", help="One status list (uuid hex).")

    def handle(self, *args, base_url=None, list_uuid=None, **options):
        base_url = base_url or conf.get("PUBLIC_BASE_URL")
        if not base_url:
            raise CommandError("Give the service's public origin, or set VERIFIABLE_CREDENTIALS['PUBLIC_BASE_URL'].")
        for status_list, revoked in api.rebuild_status_lists(base_url=base_url.rstrip("/"), list_uuid=list_uuid):
            self.stdout.write(f"{status_list.uuid.hex}: {revoked} revoked of {status_list.length}, re-signed")
