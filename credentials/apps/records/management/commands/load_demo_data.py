from django.core.management.base import BaseCommand

from credentials.apps.records import demo


class Command(BaseCommand):
    help = "Load the demo site, catalog, users and credentials used by `make run` (idempotent)."

    def handle(self, *args, **options):
        loaded = demo.load_demo_data()
        self.stdout.write(f"Demo data is loaded on site {loaded['site'].domain}.")
        self.stdout.write(
            f"  Admin: http://{loaded['site'].domain}/admin/ (user {loaded['staff'].username}, "
            f"password {loaded['staff'].username})"
        )
        for learner in loaded["learners"]:
            self.stdout.write(f"  Learner: {learner.username} (password {learner.username})")
        for credential in loaded.get("certificates", ()):
            self.stdout.write(
                f"  Certificate of {credential.username}: http://{loaded['site'].domain}/credentials/{credential.uuid.hex}/"
            )
