from django.core.management.base import BaseCommand

from credentials.apps.credentials import api


class Command(BaseCommand):
    help = "Link course certificate configurations that have no course run to the catalog run with their course id."

    def add_arguments(self, parser):
        parser.add_argument("--dry_run", "--dry-run", action="store_true", help="List what would be linked.")
        parser.add_argument("--verbose", action="store_true", help="List every configuration.")

    def handle(self, *args, **options):
        linked, unmatched = api.link_course_certificates_to_runs(dry_run=options["dry_run"])
        if options["verbose"] or options["dry_run"]:
            for configuration, run in linked:
                self.stdout.write(f"  {configuration.course_id} (configuration {configuration.pk}) → run {run.pk}")
            for configuration in unmatched:
                self.stdout.write(
                    f"  {configuration.course_id} (configuration {configuration.pk}): no run in the catalog"
                )
        verb = "[dry run] would link" if options["dry_run"] else "Linked"
        self.stdout.write(f"{verb} {len(linked)} course certificate configurations to their course run.")
        if unmatched:
            self.stdout.write(f"{len(unmatched)} have no matching run in their site's catalog (run copy_catalog?).")
