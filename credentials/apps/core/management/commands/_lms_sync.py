"""Arguments and output shared by sync_ids_from_platform and make_is_active_match_platform."""

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.core import api


class LmsSyncCommand(BaseCommand):
    """Upstream spells the options with underscores; the hyphenated spellings work too."""

    def add_arguments(self, parser):
        parser.add_argument("--batch_size", "--batch-size", type=int, default=10, help="Users per LMS call (10).")
        parser.add_argument(
            "--pause_secs", "--pause-secs", type=float, default=1, help="Seconds between LMS calls (1)."
        )
        parser.add_argument(
            "--site_id", "--site-id", type=int, default=0, help="Site whose LMS to ask (0: the first configured)."
        )
        parser.add_argument("--dry_run", "--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument("--verbose", action="store_true", help="List every user.")

    def site_configuration(self, options):
        if options["batch_size"] < 1:
            raise CommandError("--batch_size must be at least 1.")
        try:
            return api.get_maintenance_site_configuration(options["site_id"])
        except api.NoSiteConfiguration as exc:
            raise CommandError(str(exc)) from exc

    def report(self, result, options, *, what):
        prefix = "[dry run] would change" if options["dry_run"] else "Changed"
        self.stdout.write(f"Examined {result.examined} users.")
        self.stdout.write(f"{prefix} {what} of {len(result.changed)} users.")
        if options["verbose"]:
            for username, value in result.changed:
                self.stdout.write(f"  {username}: {value}")
        if result.not_in_lms:
            self.stdout.write(f"Not found in the LMS ({len(result.not_in_lms)}): {', '.join(result.not_in_lms)}")
        if result.failed:
            self.stderr.write(
                f"The LMS could not be asked about {len(result.failed)} users (see the log): {', '.join(result.failed)}"
            )
