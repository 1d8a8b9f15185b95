from django.core.management.base import BaseCommand, CommandError

from credentials.apps.credentials import api


class Command(BaseCommand):
    help = "Development helper: an active program certificate configuration for a catalog program, by title."

    def add_arguments(self, parser):
        parser.add_argument("--domain-name", default="example.com", help="Domain of the site (example.com).")
        parser.add_argument(
            "--program-name", default="edX Demonstration Program", help="Title of the program in the catalog."
        )

    def handle(self, *args, **options):
        try:
            configuration, created = api.create_program_certificate_configuration(
                site_domain=options["domain_name"], program_title=options["program_name"]
            )
        except api.MaintenanceError as exc:
            raise CommandError(str(exc)) from exc
        state = "Created" if created else "Found existing"
        self.stdout.write(
            f"{state} program certificate configuration {configuration.pk} for {options['program_name']!r} "
            f"({configuration.program_uuid}) on {options['domain_name']}."
        )
