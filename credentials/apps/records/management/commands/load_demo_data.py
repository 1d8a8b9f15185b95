from django.core.management.base import BaseCommand

from credentials.apps.records import demo


class Command(BaseCommand):
    help = "Load the demo site, catalog, users and credentials used by `make run` (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--domain",
            default=demo.DEMO_DOMAIN,
            help="host:port the service is served on; the site's domain and every printed link use it "
            f"(default {demo.DEMO_DOMAIN})",
        )

    def handle(self, *args, domain, **options):
        loaded = demo.load_demo_data(domain=domain)
        base = f"http://{loaded['site'].domain}"
        self.stdout.write(f"Demo data is loaded on site {loaded['site'].domain}. Start here: {base}/")
        links = demo.demo_links(loaded["site"])
        for label, path, note in links:
            self.stdout.write(f"  {label}: {base}{path} ({note})")
        shown = {path for _, path, _ in links}
        for learner in loaded["learners"]:
            self.stdout.write(f"  Learner: {learner.username} (password {learner.username})")
        for credential in loaded["certificates"]:
            path = f"/credentials/{credential.uuid.hex}/"
            if path not in shown:
                self.stdout.write(f"  Certificate of {credential.username}: {base}{path}")
        self.stdout.write(f"  Sample certificate: {base}/credentials/example/")
        self.stdout.write(f"  API documentation: {base}/api-docs/ (schema: {base}/api/schema/)")
        self.stdout.write(f"  Health check: {base}/health/")
