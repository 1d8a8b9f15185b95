"""``manage.py sync_organization_badge_templates --site_id N [--organization_id UUID]`` (spec/badges.md §10,
§6.4): copy the active badge templates of one Credly organization (or all) into site N, inactive."""

import logging

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.badges import provider_sync
from credentials.apps.badges.models import CredlyOrganization
from credentials.apps.badges.provider_client import BadgeProviderError

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Sync badge templates for a specific organization or all organizations"

    def add_arguments(self, parser):
        parser.add_argument("--site_id", type=int, help="Site ID.")
        parser.add_argument("--organization_id", type=str, help="UUID of the organization.")

    def handle(self, *args, **options):
        if options["site_id"] is None:
            log.warning("Parameter site_id is required to sync badge templates.")
            raise CommandError("--site_id is required.", returncode=1)
        try:
            site = provider_sync.get_site(options["site_id"])
        except provider_sync.SiteNotFound as exc:
            raise CommandError(str(exc)) from exc
        organizations = CredlyOrganization.objects.order_by("pk")
        if options["organization_id"]:
            organizations = organizations.filter(uuid=options["organization_id"])
            if not organizations.exists():
                raise CommandError(f"CredlyOrganization with the uuid {options['organization_id']} does not exist!")
        failed = []
        for organization in organizations:
            try:
                count = provider_sync.sync_organization_badge_templates(organization=organization, site=site)
            except BadgeProviderError as exc:
                failed.append(organization)
                self.stderr.write(f"Organization {organization.uuid}: sync failed: {exc}")
                continue
            self.stdout.write(f"Organization {organization.uuid}: got {count} badge templates.")
        self.stdout.write("Badge templates sync completed!" if not failed else "Badge templates sync incomplete.")
        if failed:
            raise CommandError(f"{len(failed)} organizations failed to sync; their templates were left unchanged.")
