from django.contrib.auth.models import AbstractUser
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A learner, an admin or a service worker. Created by JWT authentication, SSO or the admin."""

    full_name = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    lms_user_id = models.IntegerField(null=True, blank=True, db_index=True)

    class Meta:
        get_latest_by = "date_joined"
        indexes = [models.Index(fields=["is_staff", "is_superuser", "is_active"], name="core_user_is_staf_c26715_idx")]

    def __str__(self):
        return self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name()


class SiteConfiguration(models.Model):
    """Per-site settings: the LMS and catalog this site talks to, branding, sharing and records."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE)
    platform_name = models.CharField(max_length=255, null=True, blank=False)
    segment_key = models.CharField(max_length=255, null=True, blank=True, help_text="Segment write key.")
    theme_name = models.CharField(
        max_length=255, blank=False, default="openedx", help_text="Lower-case theme directory prefix for templates."
    )
    partner_from_address = models.EmailField(
        null=True, blank=True, help_text="From address for e-mails; no-reply@<domain> when empty."
    )
    lms_url_root = models.URLField(verbose_name="LMS base url")
    catalog_api_url = models.URLField(verbose_name="Catalog API URL", help_text="Root of the discovery API.")
    tos_url = models.URLField(null=True, blank=False, verbose_name="Terms of Service URL")
    privacy_policy_url = models.URLField(null=True, blank=False, verbose_name="Privacy Policy URL")
    homepage_url = models.URLField(null=True, blank=False, verbose_name="Homepage URL")
    company_name = models.CharField(max_length=255, null=True, blank=False)
    verified_certificate_url = models.URLField(null=True, blank=True, help_text="Deprecated; unused.")
    certificate_help_url = models.URLField(null=True, blank=False, verbose_name="Certificate help page URL")
    records_enabled = models.BooleanField(default=True, verbose_name="Enable Learner Records")
    records_help_url = models.URLField(blank=True, default="", verbose_name="Learner Records help URL")
    facebook_app_id = models.CharField(max_length=32, null=True, blank=True)
    twitter_username = models.CharField(max_length=15, null=True, blank=True, help_text="Without the @.")
    enable_facebook_sharing = models.BooleanField(default=False)
    enable_linkedin_sharing = models.BooleanField(default=True)
    enable_twitter_sharing = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self):
        return self.site.name

    def clean(self):
        if self.enable_facebook_sharing and not self.facebook_app_id:
            raise ValidationError(
                {
                    "facebook_app_id": ValidationError(
                        "A Facebook app ID is required to enable Facebook sharing.", code="required_for_sharing"
                    )
                }
            )

    @property
    def _lms_root(self):
        return self.lms_url_root.strip("/")

    @property
    def user_api_url(self):
        return f"{self._lms_root}/api/user/v1/"

    @property
    def name_verification_api_url(self):
        return f"{self._lms_root}/api/edx_name_affirmation/v1/verified_name"

    @property
    def from_address(self):
        return self.partner_from_address or f"no-reply@{self.site.domain}"


class TimeStampedModel(models.Model):
    """``created`` set once on insert, ``modified`` on every save (bulk updates leave it alone)."""

    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        get_latest_by = "modified"
