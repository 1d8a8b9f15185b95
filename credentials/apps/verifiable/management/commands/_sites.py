from django.contrib.sites.models import Site
from django.core.management.base import CommandError


def site_argument(parser):
    parser.add_argument("--site", help="Site domain (default: every site).")


def selected_sites(options):
    sites = Site.objects.order_by("pk")
    if options.get("site"):
        sites = sites.filter(domain=options["site"])
        if not sites.exists():
            raise CommandError(f"No site with the domain {options['site']!r}.")
    return list(sites)
