"""Start signing with a new key; old keys stay listed so credentials they signed still verify."""

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.verifiable import api
from credentials.apps.verifiable.management.commands._sites import selected_sites, site_argument


class Command(BaseCommand):
    help = "Rotate the verifiable-credentials issuer key (old keys stay in the DID document)."

    def add_arguments(self, parser):
        site_argument(parser)

    def handle(self, *args, **options):
        for site in selected_sites(options):
            try:
                issuer, key = api.rotate_key(site)
            except api.IssuerError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{site.domain}: now signing as {api.issuer_did(issuer, key)}")
