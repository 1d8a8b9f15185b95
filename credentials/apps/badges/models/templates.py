"""Badge templates: what a learner can earn, and who issues it (spec/badges.md §3, §12.4).

One table ``badges_badgetemplate`` holds every template; the issuer-specific children (Credly, Accredible,
this service's own Open Badges 3.0 issuer) are multi-table children named by ``origin``.
"""

import uuid
from urllib.parse import urljoin

from django.contrib.sites.models import Site
from django.db import models

from credentials.apps.badges import conf
from credentials.apps.core.models import TimeStampedModel


class BadgeTemplate(TimeStampedModel):
    """A badge definition. ``is_active`` templates take part in event processing."""

    ORIGIN = "openedx"
    STATE_DRAFT, STATE_ACTIVE, STATE_ARCHIVED = "draft", "active", "archived"
    STATES = [(STATE_DRAFT, "draft"), (STATE_ACTIVE, "active"), (STATE_ARCHIVED, "archived")]

    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    is_active = models.BooleanField(default=False)
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, help_text="Unique badge template ID.")
    name = models.CharField(max_length=255, help_text="Badge template name.")
    description = models.TextField(null=True, blank=True, help_text="Badge template description.")
    # Synced provider templates store the provider's absolute image URL here (a string, not a file).
    icon = models.ImageField(upload_to="badge_templates/icons", null=True, blank=True, max_length=255)
    origin = models.CharField(max_length=128, null=True, blank=True, help_text="Badge template type.")
    state = models.CharField(max_length=100, choices=STATES, default=STATE_DRAFT, null=True, blank=True)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The origin names the issuer; a template saved without one gets its class's (Credly, Accredible, ours).
        if not self.origin:
            self.origin = self.ORIGIN
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "origin"}
        super().save(*args, **kwargs)

    @property
    def groups(self):
        """The requirement groups of this template (spec/badges.md §12.2 #3: NULL blend is its own group)."""
        from credentials.apps.badges.progress import template_groups

        return list(template_groups(self))

    @classmethod
    def by_uuid(cls, template_uuid):
        return cls.objects.filter(uuid=template_uuid, origin=cls.ORIGIN).first()

    def user_progress(self, username):
        progress = self.progress_records.filter(username=username).first()
        return progress.ratio if progress else 0.0

    def is_completed(self, username):
        return self.user_progress(username) == 1.0


class CredlyOrganization(TimeStampedModel):
    """A Credly organization whose badge templates this service issues."""

    uuid = models.UUIDField(unique=True, help_text="Put your Credly Organization ID here.")
    api_key = models.CharField(
        max_length=255, blank=True, help_text="Credly API shared secret for Credly Organization."
    )
    name = models.CharField(max_length=255, null=True, blank=True, help_text="Verbose name for Credly Organization.")

    def __str__(self):
        return str(self.name or self.uuid)

    @property
    def is_preconfigured(self):
        return str(self.uuid) in (conf.credly_settings().get("ORGANIZATIONS") or {})


class CredlyBadgeTemplate(BadgeTemplate):
    ORIGIN = "credly"

    organization = models.ForeignKey(CredlyOrganization, on_delete=models.CASCADE)

    @property
    def management_url(self):
        credly = conf.credly_settings()
        base = credly.get("CREDLY_SANDBOX_BASE_URL" if credly.get("USE_SANDBOX") else "CREDLY_BASE_URL") or ""
        return urljoin(base, f"mgmt/organizations/{self.organization.uuid}/badges/templates/{self.uuid}/details")


class AccredibleAPIConfig(TimeStampedModel):
    name = models.CharField(max_length=255, null=True, blank=True, help_text="Accredible API configuration name.")
    api_key = models.CharField(max_length=255, help_text="Accredible API key.")

    def __str__(self):
        return self.name or f"AccredibleAPIConfig {self.pk}"


class AccredibleGroup(BadgeTemplate):
    """An Accredible group; its primary key is the Accredible group id (set by the group sync)."""

    ORIGIN = "accredible"

    api_config = models.ForeignKey(AccredibleAPIConfig, on_delete=models.CASCADE)

    @property
    def management_url(self):
        accredible = conf.accredible_settings()
        key = "ACCREDIBLE_SANDBOX_BASE_URL" if accredible.get("USE_SANDBOX") else "ACCREDIBLE_BASE_URL"
        return urljoin(accredible.get(key) or "", f"issuer/dashboard/group/{self.pk}/information-and-appearance")


class LocalBadgeTemplate(BadgeTemplate):
    """[OURS] A badge this service issues itself as a signed Open Badges 3.0 credential (spec/badges.md §12.4)."""

    ORIGIN = "openedx"

    criteria_narrative = models.TextField(
        blank=True, default="", help_text="How the badge is earned (required to activate)."
    )
    criteria_url = models.URLField(blank=True, default="", max_length=255)
    tags = models.JSONField(default=list, blank=True)
    valid_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days a badge stays valid; empty: forever."
    )
