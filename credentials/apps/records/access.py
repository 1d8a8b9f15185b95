"""Who may see and act on learner records (spec/pages.md §5.4-5.5)."""

from credentials.apps.core import api as core_api


class RecordNotFound(Exception):
    """A learner, program, pathway or shared record named by the request does not exist (404)."""


class RecordPermissionDenied(Exception):
    """The requester may act only for themself, unless staff (403)."""


def records_enabled(site):
    """Whether the site shows learner records (SiteConfiguration.records_enabled; a site without one: no)."""
    configuration = core_api.get_site_configuration(site)
    return bool(configuration and configuration.records_enabled)


def may_act_for(requester, username):
    """A learner acts for themself; staff and superusers for anyone (spec/pages.md §5.4-5.5)."""
    return requester.is_authenticated and (
        requester.username == username or requester.is_staff or requester.is_superuser
    )
