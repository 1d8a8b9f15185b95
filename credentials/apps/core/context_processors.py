from credentials.apps.core import api, sso


def site_configuration(request):
    """Makes the current site's configuration available to every template as ``site_configuration``, and
    ``lms_url``: the LMS root learners return to, or "" when no LMS is configured (the demo of `make run`)."""
    site = getattr(request, "site", None)
    configuration = api.get_site_configuration(site) if site else None
    lms_url = (configuration.lms_url_root if configuration else "") if sso.lms_configured() else ""
    return {"site_configuration": configuration, "lms_url": lms_url}
