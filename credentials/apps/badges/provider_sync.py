"""Copying the providers' templates into ours: Credly badge templates (spec/badges.md §6.4, and the webhook of
§7) and Accredible groups (§8.3 with the fixes of §12.2 #7).

Synced templates are created inactive and a sync never changes ``is_active``: an operator activates a
template once its requirements are set. Provider calls happen before any write, so a provider failure changes
nothing.
"""

import logging

from django.contrib.sites.models import Site
from django.db import transaction
from django.utils.dateparse import parse_datetime

from credentials.apps.badges.accredible.client import AccredibleAPIClient
from credentials.apps.badges.models import (
    AccredibleBadge,
    AccredibleGroup,
    BadgeTemplate,
    CredlyBadge,
    CredlyBadgeTemplate,
)
from credentials.apps.badges.provider_issuers import credly_client

log = logging.getLogger(__name__)


class SiteNotFound(Exception):
    pass


def get_site(site_id):
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        log.error("Site with the id %s does not exist!", site_id)
        raise SiteNotFound(f"Site with the id {site_id} does not exist!")
    return site


def save_credly_template(*, organization, site, template):
    """Create or update our copy of one Credly template (a ``CredlyTemplate``); answers the row."""
    row, _ = CredlyBadgeTemplate.objects.update_or_create(
        uuid=template.id,
        organization=organization,
        defaults={
            "site": site,
            "name": template.name,
            "state": template.state,
            "description": template.description,
            "icon": template.image_url,
        },
    )
    return row


def sync_organization_badge_templates(*, organization, site):
    """Every active template of ``organization`` at Credly, created or updated here; answers how many."""
    with credly_client(organization) as client:
        templates = client.fetch_badge_templates()
    with transaction.atomic():
        for template in templates:
            save_credly_template(organization=organization, site=site, template=template)
    log.info("Organization %s: got %s badge templates.", organization.uuid, len(templates))
    return len(templates)


def has_badges(template, badge_model):
    return badge_model.objects.filter(credential_id=template.pk).exists()


def retire_template(template, badge_model):
    """A template gone at the provider: deleted when nobody holds one of its badges, archived otherwise, so
    earned badges keep their template (§12.2 #6-#7; upstream deleted it and orphaned them)."""
    if has_badges(template, badge_model):
        BadgeTemplate.objects.filter(pk=template.pk).update(state=BadgeTemplate.STATE_ARCHIVED, is_active=False)
        return "archived"
    template.delete()
    return "deleted"


def delete_credly_templates(*, template_uuid, site):
    """The webhook's ``badge_template.deleted``: every copy of that template on ``site``."""
    return [
        retire_template(template, CredlyBadge)
        for template in CredlyBadgeTemplate.objects.filter(uuid=template_uuid, site=site)
    ]


def sync_accredible_groups(*, api_config, site):
    """Every group of ``api_config`` at Accredible, created or updated here (the group id is the template's
    primary key); groups of this configuration Accredible no longer lists are retired. Answers how many groups
    Accredible listed."""
    with AccredibleAPIClient(api_config.api_key) as client:
        groups = client.fetch_all_groups()
        images = {
            group.id: client.fetch_design_image_url(group.primary_design_id) if group.primary_design_id else ""
            for group in groups
        }
    listed = {group.id for group in groups}
    with transaction.atomic():
        taken = _ids_taken_elsewhere(listed, api_config)
        for group in groups:
            if group.id in taken:
                log.error(
                    "Accredible group %s of API config %s skipped: template %s already uses that id (%s)",
                    group.id,
                    api_config.pk,
                    group.id,
                    taken[group.id],
                )
                continue
            defaults = {
                "site": site,
                "name": group.course_name,
                "description": group.course_description,
                "icon": images[group.id],
                "state": BadgeTemplate.STATE_ACTIVE,
            }
            AccredibleGroup.objects.update_or_create(id=group.id, api_config=api_config, defaults=defaults)
            created = parse_datetime(group.created_at or "")
            if created:  # Accredible's creation time, also on insert (where auto_now_add would stamp now)
                BadgeTemplate.objects.filter(pk=group.id).update(created=created)
        # Only this configuration's groups (§12.2 #7; upstream deleted other configurations' groups too).
        for gone in AccredibleGroup.objects.filter(api_config=api_config).exclude(pk__in=listed):
            retire_template(gone, AccredibleBadge)
    return len(groups)


def _ids_taken_elsewhere(ids, api_config):
    """Template ids among ``ids`` that belong to something other than this configuration's groups (group ids
    share the template primary keys with every other template)."""
    own = set(AccredibleGroup.objects.filter(api_config=api_config, pk__in=ids).values_list("pk", flat=True))
    return {
        pk: f"origin {origin}"
        for pk, origin in BadgeTemplate.objects.filter(pk__in=ids).exclude(pk__in=own).values_list("pk", "origin")
    }
