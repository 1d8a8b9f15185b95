from credentials.apps.core import api


def site_configuration(request):
    """Makes the current site's configuration available to every template as ``site_configuration``."""
    site = getattr(request, "site", None)
    return {"site_configuration": api.get_site_configuration(site) if site else None}
