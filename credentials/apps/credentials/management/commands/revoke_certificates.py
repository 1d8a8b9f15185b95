import argparse
import shlex

from django.core.management.base import BaseCommand, CommandError

from credentials.apps.credentials import api
from credentials.apps.credentials.models import RevokeCertificatesConfig


class _StoredArgumentsParser(argparse.ArgumentParser):
    """Parses the argument string stored in the admin; a mistake is reported, not a SystemExit."""

    def error(self, message):
        raise ValueError(message)


class Command(BaseCommand):
    help = (
        "Revoke one certificate configuration's credentials of a list of learners (by LMS user id). "
        "No e-mails, events or signals are sent."
    )

    def add_arguments(self, parser):
        self.add_revocation_arguments(parser)
        parser.add_argument(
            "--args-from-database",
            action="store_true",
            help="Read the arguments from the current, enabled revoke_certificates argument in the admin.",
        )

    @staticmethod
    def add_revocation_arguments(parser):
        parser.add_argument(
            "--lms_user_ids", "--lms-user-ids", nargs="+", type=int, help="LMS user ids of the learners."
        )
        parser.add_argument("--credential_id", "--credential-id", type=int, help="Id of the certificate configuration.")
        parser.add_argument(
            "--credential_type",
            "--credential-type",
            choices=sorted(api.REVOCABLE_CONFIGURATION_MODELS),
            default="programcertificate",
        )
        parser.add_argument("--dry-run", "--dry_run", action="store_true", help="List what would be revoked.")
        parser.add_argument("--verbose", action="store_true", help="List every revoked credential.")

    def arguments_from_database(self):
        configuration = RevokeCertificatesConfig.current()
        if not configuration.enabled:
            raise CommandError(
                "The current revoke_certificates argument is disabled (or none exists); enable it in the admin."
            )
        parser = _StoredArgumentsParser(prog="revoke_certificates", exit_on_error=False, add_help=False)
        self.add_revocation_arguments(parser)
        try:
            return vars(parser.parse_args(shlex.split(configuration.arguments)))
        except (argparse.ArgumentError, ValueError) as exc:
            raise CommandError(f"The stored arguments {configuration.arguments!r} are invalid: {exc}") from exc

    def handle(self, *args, **options):
        if options["args_from_database"]:
            stored = self.arguments_from_database()
            options = {
                **stored,
                "dry_run": options["dry_run"] or stored["dry_run"],
                "verbose": options["verbose"] or stored["verbose"],
            }
        if not options["credential_id"]:
            raise CommandError("--credential_id is required.")
        if not options["lms_user_ids"]:
            raise CommandError("--lms_user_ids is required.")
        try:
            result = api.revoke_credentials_of_learners(
                credential_type=options["credential_type"],
                credential_id=options["credential_id"],
                lms_user_ids=options["lms_user_ids"],
                dry_run=options["dry_run"],
            )
        except api.MaintenanceError as exc:
            raise CommandError(str(exc)) from exc
        for lms_user_id in result.unknown_lms_user_ids:
            self.stderr.write(f"Warning: no user has the LMS user id {lms_user_id}.")
        if options["verbose"] or options["dry_run"]:
            for credential in result.credentials:
                self.stdout.write(f"  {credential.username}: {credential.uuid.hex}")
        verb = "[dry run] would revoke" if options["dry_run"] else "Revoked"
        self.stdout.write(
            f"{verb} {len(result.credentials)} credentials of {options['credential_type']} {options['credential_id']}."
        )
