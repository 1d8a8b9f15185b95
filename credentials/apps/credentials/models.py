"""Certificate configurations and the credentials awarded to learners (spec/models.md §3)."""

import re
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import models

from credentials.apps.catalog.models import CourseRun, Program
from credentials.apps.core.compiled_writes import CompiledWritesModel
from credentials.apps.core.history import HistoricalRecords
from credentials.apps.core.models import TimeStampedModel
from credentials.apps.credentials.constants import SIGNATORY_IMAGE_MAX_BYTES, CertificateType, UserCredentialStatus
from credentials.apps.credentials.sanitizer import clean_html

# An edX course key: `course-v1:ORG+COURSE+RUN` or the legacy `ORG/COURSE/RUN`.
COURSE_KEY_PATTERN = re.compile(
    r"^(course-v1:[\w.\-~%]+\+[\w.\-~%]+\+[\w.\-~%]+|[\w.\-~%]+/[\w.\-~%]+/[\w.\-~%]+)$", re.ASCII
)


def validate_course_key(value):
    if not COURSE_KEY_PATTERN.match(value or ""):
        raise ValidationError("Invalid course key.", code="invalid")


def validate_signatory_image(image):
    if image and image.size > SIGNATORY_IMAGE_MAX_BYTES:
        raise ValidationError("The signature image must be less than 250KB.", code="too_large")


def signatory_image_path(signatory, filename):
    return f"signatories/{signatory.id}/{filename}"


class Signatory(TimeStampedModel):
    name = models.CharField(max_length=255)
    title = models.CharField(max_length=255, help_text="Role, e.g. Dean of Engineering. May contain line breaks.")
    organization_name_override = models.CharField(
        max_length=255, null=True, blank=True, help_text="Organization shown under the name, if not the issuer's."
    )
    image = models.ImageField(
        upload_to=signatory_image_path,
        validators=[validate_signatory_image],
        help_text="A square PNG of the signature, under 250KB.",
    )

    class Meta:
        verbose_name_plural = "Signatories"

    def __str__(self):
        return f"{self.name}, {self.title}"

    def save(self, *args, **kwargs):
        # The upload path needs the primary key: insert without the image first, then attach it.
        if self.pk is None and self.image:
            image, self.image = self.image, None
            super().save(*args, **kwargs)
            self.image = image
            kwargs = {**kwargs, "force_insert": False, "force_update": True}
        super().save(*args, **kwargs)


class AbstractCertificate(TimeStampedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    is_active = models.BooleanField(default=False)
    title = models.CharField(
        max_length=255, null=True, blank=True, help_text="Custom title, shown instead of the course or program title."
    )

    class Meta:
        abstract = True


class CourseCertificate(AbstractCertificate):
    """How a course run's certificate looks and when learners may see it ("course certificate configuration")."""

    signatories = models.ManyToManyField(Signatory, blank=True)
    course_id = models.CharField(max_length=255, validators=[validate_course_key], verbose_name="Course ID")
    course_run = models.OneToOneField(CourseRun, null=True, on_delete=models.PROTECT)
    certificate_available_date = models.DateTimeField(
        null=True, blank=True, help_text="Learners see the certificate from this date on."
    )
    certificate_type = models.CharField(max_length=255, choices=CertificateType.CHOICES)
    user_credentials = GenericRelation(
        "UserCredential",
        content_type_field="credential_content_type",
        object_id_field="credential_id",
        related_query_name="course_credentials",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Course certificate configuration"
        constraints = [
            models.UniqueConstraint(
                fields=["course_id", "certificate_type", "site"], name="credentials_coursecertificate_unique"
            )
        ]

    def __str__(self):
        return f"CourseCertificate: {self.course_id}, {self.certificate_type}"

    def save(self, *args, **kwargs):
        # Keep the two course identifiers in step (spec/models.md §3.3).
        if self.course_id and self.course_run_id is None:
            self.course_run = CourseRun.objects.filter(key=self.course_id, course__site_id=self.site_id).first()
        if self.course_run is not None and self.course_id != self.course_run.key:
            self.course_id = self.course_run.key
        super().save(*args, **kwargs)


class ProgramCertificate(AbstractCertificate):
    """How a program's certificate looks ("program certificate configuration")."""

    signatories = models.ManyToManyField(Signatory)
    program_uuid = models.UUIDField(db_index=True, verbose_name="Program UUID")
    program = models.OneToOneField(Program, null=True, on_delete=models.PROTECT)
    use_org_name = models.BooleanField(
        default=False, help_text="Show the organizations' full names instead of their short keys."
    )
    include_hours_of_effort = models.BooleanField(
        default=False, help_text="Show the program's total hours of effort on the certificate."
    )
    language = models.CharField(
        max_length=8, null=True, blank=True, help_text="Locale the certificate is rendered in, e.g. es_419."
    )
    user_credentials = GenericRelation(
        "UserCredential",
        content_type_field="credential_content_type",
        object_id_field="credential_id",
        related_query_name="program_credentials",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Program certificate configuration"
        constraints = [
            models.UniqueConstraint(fields=["site", "program_uuid"], name="credentials_programcertificate_unique")
        ]

    def __str__(self):
        return f"ProgramCertificate: {self.program_uuid}"

    def clean(self):
        if self.program_id and (self.program.uuid != self.program_uuid or self.program.site_id != self.site_id):
            raise ValidationError({"program": "The program must be the site's catalog program with this UUID."})

    def save(self, *args, **kwargs):
        # The FK and the uuid name the same program; the FK is linked whenever the catalog has it.
        if self.program_id is None and self.program_uuid:
            self.program = Program.objects.filter(site_id=self.site_id, uuid=self.program_uuid).first()
        elif self.program is not None:
            self.program_uuid = self.program.uuid
        super().save(*args, **kwargs)


class UserCredential(TimeStampedModel, CompiledWritesModel):
    """A credential awarded to (or revoked from) one learner, named by username. Never deleted: revoked."""

    AWARDED = UserCredentialStatus.AWARDED
    REVOKED = UserCredentialStatus.REVOKED

    credential_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        # Badge templates are credentials too (spec/badges.md §3, §12.4); their badges stay out of /api/v2/.
        limit_choices_to={
            "model__in": (
                "coursecertificate",
                "programcertificate",
                "credlybadgetemplate",
                "accrediblegroup",
                "localbadgetemplate",
            )
        },
    )
    credential_id = models.PositiveIntegerField(db_index=True)
    credential = GenericForeignKey("credential_content_type", "credential_id")
    username = models.CharField(max_length=255, db_index=True)
    status = models.CharField(
        max_length=255, choices=UserCredentialStatus.CHOICES, default=UserCredentialStatus.AWARDED
    )
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["username", "credential_content_type", "credential_id"],
                name="credentials_usercredential_unique_per_learner",
            )
        ]
        indexes = [models.Index(fields=["credential_content_type", "credential_id"], name="credentials_uc_config_idx")]

    def __str__(self):
        return f"{self.username}: {self.uuid.hex} ({self.status})"

    def get_absolute_url(self):
        return f"/credentials/{self.uuid.hex}/"

    def get_date_override(self):
        try:
            return self.date_override
        except UserCredentialDateOverride.DoesNotExist:
            return None

    def forget_date_override(self):
        """After the override row was deleted: make ``get_date_override()`` answer None without a query."""
        UserCredential.date_override.related.set_cached_value(self, None)


class UserCredentialAttribute(TimeStampedModel):
    user_credential = models.ForeignKey(UserCredential, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(max_length=255)
    value = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_credential", "name"], name="credentials_attribute_unique_name")
        ]

    def __str__(self):
        return f"{self.name}={self.value}"


class UserCredentialDateOverride(TimeStampedModel):
    """The issue date LMS staff chose for one course certificate (shown in records instead of the usual date)."""

    user_credential = models.OneToOneField(UserCredential, on_delete=models.CASCADE, related_name="date_override")
    date = models.DateTimeField()

    def __str__(self):
        return f"{self.user_credential_id}: {self.date.isoformat()}"


class ProgramCompletionEmailConfiguration(TimeStampedModel):
    """Extra text for the program completion e-mail, for one program, one program type or by default.

    ``identifier`` is a program UUID (hyphenated or hex), a program type slug, or "default"; the most
    specific enabled match is used (spec/models.md §3.8, credentials.emails).
    """

    DEFAULT_TEMPLATE_IDENTIFIER = "default"

    identifier = models.CharField(
        max_length=50,
        unique=True,
        help_text='A program UUID (with or without hyphens), a program type slug such as "professional-certificate", '
        'or "default" for every other program.',
    )
    html_template = models.TextField(
        help_text="HTML added to the e-mail. Allowed tags: a, b, blockquote, div, em, h1-h6, i, li, ol, p, span, "
        "strong, ul; any other tag is shown as text."
    )
    plaintext_template = models.TextField(help_text="The same text for the plain-text part of the e-mail.")
    enabled = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Program completion e-mail configuration"

    def __str__(self):
        return self.identifier

    def save(self, *args, **kwargs):
        # Disallowed tags are escaped, not stripped (spec/models.md §3.8).
        self.html_template = clean_html(self.html_template, allowed_tags=frozenset(settings.ALLOWED_EMAIL_HTML_TAGS))
        super().save(*args, **kwargs)


class RevokeCertificatesConfig(models.Model):
    """The argument string of the ``revoke_certificates --args-from-database`` run (spec/models.md §3.9).

    Rows are never edited: each save adds a new row and the newest one is current, so the admin keeps
    the history of who asked for which revocation.
    """

    change_date = models.DateTimeField(auto_now_add=True, verbose_name="change date")
    changed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, editable=False, verbose_name="changed by"
    )
    enabled = models.BooleanField(default=False)
    arguments = models.TextField(
        blank=True,
        default="",
        help_text="Arguments of revoke_certificates, e.g. --credential_id 222 --lms_user_ids 867 5309 925",
    )

    class Meta:
        verbose_name = "revoke_certificates argument"
        ordering = ["-change_date", "-id"]

    def __str__(self):
        return self.arguments

    @classmethod
    def current(cls):
        """The newest row, or an unsaved disabled one when there is none."""
        return cls.objects.order_by("-change_date", "-id").first() or cls(enabled=False)
