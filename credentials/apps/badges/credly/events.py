"""Credly's webhook events (spec/badges.md §7 with the fixes of §12.2 #6).

Credly posts only the event's id and organization; the event itself is fetched back from Credly with that
organization's key, which is what makes it trustworthy, and it is dispatched on the *fetched* type (upstream
trusted the posted one).
"""

import logging

from credentials.apps.badges import provider_sync
from credentials.apps.badges.models import CredlyBadgeTemplate, CredlyOrganization
from credentials.apps.badges.provider_issuers import credly_client

log = logging.getLogger(__name__)

CREATED = "badge_template.created"
CHANGED = "badge_template.changed"
DELETED = "badge_template.deleted"


class UnknownOrganization(Exception):
    """The event names an organization this service does not know (the webhook answers 404)."""


def handle_credly_event(*, organization_id, event_id, site):
    """Fetch event ``event_id`` from Credly as ``organization_id`` and apply it to ``site``'s templates.
    Raises UnknownOrganization, or BadgeProviderError when Credly cannot be asked. Answers the event type."""
    organization = CredlyOrganization.objects.filter(uuid=organization_id).first()
    if organization is None:
        raise UnknownOrganization(organization_id)
    with credly_client(organization) as client:
        event_type, template = client.fetch_event(event_id)
    if event_type in (CREATED, CHANGED):
        owner = CredlyOrganization.objects.filter(uuid=template.owner_id).first() if template.owner_id else None
        if owner is None:
            raise UnknownOrganization(template.owner_id)
        row = provider_sync.save_credly_template(organization=owner, site=site, template=template)
        if event_type == CHANGED and template.state != CredlyBadgeTemplate.STATE_ACTIVE and row.is_active:
            # A template Credly no longer issues must not be awarded here either.
            CredlyBadgeTemplate.objects.filter(pk=row.pk).update(is_active=False)
        log.info("Credly %s: template %s saved on site %s", event_type, template.id, site.domain)
    elif event_type == DELETED:
        outcomes = provider_sync.delete_credly_templates(template_uuid=template.id, site=site)
        log.info("Credly %s: template %s on site %s: %s", event_type, template.id, site.domain, outcomes or "none")
    else:
        log.error("Unknown event type: %s", event_type)
    return event_type
