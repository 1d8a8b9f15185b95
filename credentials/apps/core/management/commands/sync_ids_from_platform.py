from credentials.apps.core import api
from credentials.apps.core.management.commands._lms_sync import LmsSyncCommand


class Command(LmsSyncCommand):
    help = "Fill in missing LMS user ids of local users from the LMS accounts API, in batches."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--limit", type=int, default=100, help="Users to examine at most (100; 0: all).")

    def handle(self, *args, **options):
        result = api.sync_lms_user_ids(
            site_configuration=self.site_configuration(options),
            limit=options["limit"],
            batch_size=options["batch_size"],
            pause_seconds=options["pause_secs"],
            dry_run=options["dry_run"],
        )
        self.report(result, options, what="the LMS user id")
