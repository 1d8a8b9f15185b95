"""``manage.py retry_badge_issuing [--provider credly|accredible] [--dry-run] [--limit N]`` (spec/badges.md
§12.2 #4): calls Credly / Accredible again for badges whose earlier call failed. Exit status 1 when some
badge still failed (it stays in state ``error`` for the next run), 0 otherwise."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.badges import provider_issuers
from credentials.apps.badges.provider_retry import PROVIDERS, retry_badge_issuing


def _positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(BaseCommand):
    help = "Issue (or revoke) again at Credly and Accredible the badges whose provider call failed."

    def add_arguments(self, parser):
        parser.add_argument("--provider", choices=sorted(PROVIDERS), help="Only this provider (default: both).")
        parser.add_argument("--dry-run", action="store_true", help="List the badges that would be retried.")
        parser.add_argument("--limit", type=_positive_int, help="Retry at most this many badges.")

    def handle(self, *args, **options):
        provider_issuers.register()  # the command may run in a process where the app is switched off
        providers = [options["provider"]] if options["provider"] else list(PROVIDERS)
        outcomes = retry_badge_issuing(providers=providers, dry_run=options["dry_run"], limit=options["limit"])
        for outcome in outcomes:
            badge = outcome.badge
            result = "would retry" if outcome.succeeded is None else ("ok" if outcome.succeeded else "failed")
            self.stdout.write(
                f"{outcome.provider} {outcome.action} {badge.uuid} ({badge.username}): {result}, state {badge.state}"
            )
        failed = sum(outcome.succeeded is False for outcome in outcomes)
        verb = "to retry" if options["dry_run"] else "retried"
        self.stdout.write(f"{len(outcomes)} badges {verb}, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} badges still failing; they stay in state error for the next run.")
