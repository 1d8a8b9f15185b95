from django.contrib.auth.models import AbstractUser
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import models

from credentials.apps.core.history import HistoricalRecords


class User(AbstractUser):
    """A learner, an admin or a service worker. Created by JWT authentication, SSO or the admin."""

    full_name = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    lms_user_id = models.IntegerField(null=True, blank=True, db_index=True)
    # Whether the LMS may sign in as this account (DESIGN.md §5.16). Set when SSO or a JWT creates the account
    # (or links a plain passwordless one); a local account (createsuperuser, the admin) never gets it by itself.
    linked_to_lms = models.BooleanField(
        default=False,
        verbose_name="Linked to the LMS",
        help_text="The LMS user with this LMS user id (or, without one, this username) may sign in as this account "
        "through SSO and JWTs. Leave off for local accounts.",
    )

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


class OutboxEvent(models.Model):
    """An event to put on the bus, written in the transaction of the change it announces (DESIGN.md §5.18).

    The Avro bytes and headers are frozen when the row is written, so a re-send is the very same message
    (same event id): consumers de-duplicate by it. ``sent_at`` stays empty until the broker has the entry.
    """

    event_id = models.UUIDField()
    event_type = models.CharField(max_length=255)
    topic = models.CharField(max_length=255, help_text="Unprefixed topic; EVENT_BUS_TOPIC_PREFIX applies at send time.")
    event_key_field = models.CharField(max_length=255, blank=True, default="")
    headers = models.JSONField(help_text="The seven stream headers (type, id, source, time, ...), as strings.")
    event_data = models.BinaryField(help_text="Avro, schemaless, as openedx-events serialises it.")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stream_id = models.CharField(max_length=64, blank=True, default="")
    last_error = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "topic"], name="core_outbox_event_once_per_topic")]
        indexes = [models.Index(fields=["sent_at", "id"], name="core_outbox_unsent_idx")]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class ConsumedEvent(models.Model):
    """Bookkeeping of an event a consumer group applied: a redelivered event id is acknowledged, not re-applied."""

    DONE = "done"
    SKIPPED_STALE = "skipped_stale"
    DEAD = "dead"
    STATUS_CHOICES = [(DONE, DONE), (SKIPPED_STALE, SKIPPED_STALE), (DEAD, DEAD)]

    event_id = models.UUIDField()
    group_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=255)
    stream = models.CharField(max_length=255)
    redis_msg_id = models.CharField(max_length=64, blank=True, default="")
    entity_key = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    event_time = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    attempts = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "group_id"], name="core_consumed_event_once")]

    def __str__(self):
        return f"{self.event_type} {self.event_id} ({self.group_id}: {self.status})"
