import logging

from django.core.management.base import BaseCommand

from credentials.apps.core import api

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        f"Delete SSO associations (social_django UserSocialAuth rows) unused for {api.SOCIAL_AUTH_RETENTION_DAYS} "
        "days; users are kept and re-associated at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", "--dry_run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, **options):
        try:
            count = api.truncate_social_auth(dry_run=options["dry_run"])
        except Exception:
            # As upstream: a failure is logged, not raised (the command runs before upgrades, from scripts).
            log.exception("truncate_social_auth failed")
            self.stderr.write("truncate_social_auth failed; see the log.")
            return
        verb = "[dry run] would delete" if options["dry_run"] else "Deleted"
        message = f"{verb} {count} social auth rows older than {api.SOCIAL_AUTH_RETENTION_DAYS} days."
        log.info(message)
        self.stdout.write(message)
