"""The global template context (spec/pages.md §0): the site, its configuration and branding, under the names
upstream theme templates use, so an existing theme directory renders unchanged."""

from django.conf import settings

from credentials.apps.core import api, sso


def site_configuration(request):
    """``site_configuration`` and ``lms_url`` (the LMS root learners return to, "" when no LMS is configured,
    as in the demo of `make run`), plus the theme contract: ``site``, ``platform_name``, ``language_code``,
    ``site_logo_url``, ``openedx_logo_url``, ``favicon_url`` and the site's themed ``header_templates`` and
    ``footer_templates`` (candidates for ``{% include %}``).

    Pages rendered before CurrentSiteMiddleware ran (an early 404 or 500) have no ``request.site``: they get
    no site, no configuration and the unthemed header and footer, and still render.
    """
    site = getattr(request, "site", None)
    configuration = api.get_site_configuration(site) if site is not None else None
    lms_url = (configuration.lms_url_root if configuration else "") if sso.lms_configured() else ""
    theme = configuration.theme_name if configuration else ""
    return {
        "site_configuration": configuration,
        "lms_url": lms_url,
        "site": site,
        "platform_name": (configuration.platform_name if configuration else None) or (site.name if site else ""),
        "language_code": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "site_logo_url": settings.LOGO_URL,
        "openedx_logo_url": settings.LOGO_POWERED_BY_OPEN_EDX_URL,
        "favicon_url": settings.FAVICON_URL,
        "header_templates": themed_names("_header.html", theme),
        "footer_templates": themed_names("_footer.html", theme),
    }


def themed_names(name, theme):
    """``[<theme>/name, name]``: the theme's template first (spec/pages.md §0, "Theming")."""
    return [f"{theme}/{name}", name] if theme else [name]
