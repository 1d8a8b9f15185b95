from credentials.apps.core import api
from credentials.apps.core.management.commands._lms_sync import LmsSyncCommand


class Command(LmsSyncCommand):
    help = (
        "Reactivate local users who are inactive here but active in the LMS (never deactivates anyone); "
        "SSO refuses inactive local users."
    )

    def handle(self, *args, **options):
        result = api.reactivate_users_active_in_lms(
            site_configuration=self.site_configuration(options),
            batch_size=options["batch_size"],
            pause_seconds=options["pause_secs"],
            dry_run=options["dry_run"],
        )
        self.report(result, options, what="is_active")
