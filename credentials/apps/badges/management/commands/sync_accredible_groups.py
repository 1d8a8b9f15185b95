"""``manage.py sync_accredible_groups [--site_id N] [--api_config_id ID]`` (spec/badges.md §10, §8.3): copy
the groups of one Accredible API configuration (or all) into site N (default 1) as inactive templates."""

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.badges import provider_sync
from credentials.apps.badges.models import AccredibleAPIConfig
from credentials.apps.badges.provider_client import BadgeProviderError

DEFAULT_SITE_ID = 1


class Command(BaseCommand):
    help = "Sync groups for a specific accredible api config or all configs"

    def add_arguments(self, parser):
        parser.add_argument("--site_id", type=int, help="Site ID (default 1).")
        parser.add_argument("--api_config_id", type=str, help="ID of the API config.")

    def handle(self, *args, **options):
        site_id = options["site_id"]
        if site_id is None:
            self.stdout.write(f"Site ID not given; using the default: {DEFAULT_SITE_ID}")
            site_id = DEFAULT_SITE_ID
        try:
            site = provider_sync.get_site(site_id)
        except provider_sync.SiteNotFound as exc:
            raise CommandError(str(exc)) from exc
        configs = AccredibleAPIConfig.objects.order_by("pk")
        if options["api_config_id"]:
            if not options["api_config_id"].isdigit() or not configs.filter(pk=options["api_config_id"]).exists():
                raise CommandError(f"AccredibleAPIConfig with the id {options['api_config_id']} does not exist!")
            configs = configs.filter(pk=options["api_config_id"])
        failed = []
        for config in configs:
            try:
                count = provider_sync.sync_accredible_groups(api_config=config, site=site)
            except BadgeProviderError as exc:
                failed.append(config)
                self.stderr.write(f"API Config {config.pk}: sync failed: {exc}")
                continue
            self.stdout.write(f"API Config {config.pk}: got {count} groups.")
        self.stdout.write("Accredible groups sync completed!" if not failed else "Accredible groups sync incomplete.")
        if failed:
            raise CommandError(f"{len(failed)} API configs failed to sync; their groups were left unchanged.")
