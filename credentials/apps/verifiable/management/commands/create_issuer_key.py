"""Create the issuer key of each site (or one) that has none yet; prints DIDs, never private keys."""

from django.core.management.base import BaseCommand

from credentials.apps.verifiable import api
from credentials.apps.verifiable.management.commands._sites import selected_sites, site_argument


class Command(BaseCommand):
    help = "Create the verifiable-credentials issuer key of each site that has none (the first signing also does)."

    def add_arguments(self, parser):
        site_argument(parser)

    def handle(self, *args, **options):
        for site in selected_sites(options):
            issuer, key = api.create_key(site)
            self.stdout.write(f"{site.domain}: {api.issuer_did(issuer, key)} key {key.public_key_multibase}")
