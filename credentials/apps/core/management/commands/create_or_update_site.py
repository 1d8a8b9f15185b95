from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from credentials.apps.core import api


class Command(BaseCommand):
    help = "Create or update a site and its configuration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--site-id", type=int, help="Update the site with this id.")
        required = {
            "--site-domain": "Domain the site answers on, e.g. credentials.example.com.",
            "--site-name": "Display name of the site.",
            "--platform-name": "Platform name shown on pages and e-mails.",
            "--lms-url-root": "Root URL of the LMS, e.g. https://lms.example.com.",
            "--catalog-api-url": "Root of the discovery API, e.g. https://discovery.example.com/api/v1/.",
            "--tos-url": "Terms of service URL.",
            "--privacy-policy-url": "Privacy policy URL.",
            "--homepage-url": "Home page URL.",
            "--company-name": "Company name for the footer.",
            "--certificate-help-url": "Certificate help page URL.",
        }
        for flag, help_text in required.items():
            parser.add_argument(flag, required=True, help=help_text)
        parser.add_argument("--records-help-url", default="", help="Learner Records help URL.")
        parser.add_argument("--segment-key", default=None)
        parser.add_argument("--twitter-username", default=None)
        parser.add_argument("--facebook-app-id", default=None)
        parser.add_argument("--theme-name", default="openedx", help="Theme directory prefix (default: openedx).")
        # Store-true flags, as upstream: omitting one stores False.
        parser.add_argument("--enable-facebook-sharing", action="store_true")
        parser.add_argument("--enable-linkedin-sharing", action="store_true")
        parser.add_argument("--enable-twitter-sharing", action="store_true")

    def handle(self, *args, **options):
        if options["enable_facebook_sharing"] and not options["facebook_app_id"]:
            raise CommandError("A Facebook app ID (--facebook-app-id) is required to enable Facebook sharing.")
        try:
            site, _ = api.create_or_update_site(
                site_id=options["site_id"],
                domain=options["site_domain"],
                name=options["site_name"],
                platform_name=options["platform_name"],
                lms_url_root=options["lms_url_root"],
                catalog_api_url=options["catalog_api_url"],
                tos_url=options["tos_url"],
                privacy_policy_url=options["privacy_policy_url"],
                homepage_url=options["homepage_url"],
                company_name=options["company_name"],
                certificate_help_url=options["certificate_help_url"],
                records_help_url=options["records_help_url"],
                segment_key=options["segment_key"],
                twitter_username=options["twitter_username"],
                facebook_app_id=options["facebook_app_id"],
                theme_name=options["theme_name"],
                enable_facebook_sharing=options["enable_facebook_sharing"],
                enable_linkedin_sharing=options["enable_linkedin_sharing"],
                enable_twitter_sharing=options["enable_twitter_sharing"],
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
            raise CommandError(problems) from exc
        self.stdout.write(f"Site {site.id} ({site.domain}) and its configuration are up to date.")
