import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from credentials.apps.catalog.models import CourseRun, Pathway, Program
from credentials.apps.core.compiled_writes import CompiledWritesModel
from credentials.apps.core.history import HistoricalRecords
from credentials.apps.core.models import TimeStampedModel


class UserGrade(TimeStampedModel, CompiledWritesModel):
    """A learner's grade in one course run, as the LMS last reported it (spec/models.md §5.1)."""

    username = models.CharField(max_length=150)
    course_run = models.ForeignKey(CourseRun, on_delete=models.PROTECT)
    letter_grade = models.CharField(max_length=255, blank=True)
    percent_grade = models.DecimalField(max_digits=5, decimal_places=4)
    verified = models.BooleanField(default=True, verbose_name="Verified Learner ID")
    lms_last_updated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "course_run"], name="records_usergrade_unique_per_run")
        ]

    def __str__(self):
        return f"{self.username} {self.course_run_id}: {self.percent_grade}"


class ProgramCertRecord(TimeStampedModel):
    """A learner's shared program record: its ``uuid`` is the public link's token (spec/models.md §5.2).

    The row exists only once the learner shared the record (or sent it to a pathway); it says nothing
    about completion. Deleting it "unshares"; sharing again creates a new uuid.
    """

    # Deprecated (spec/models.md §5.2): kept for old data only, never read.
    certificate = models.ForeignKey("credentials.ProgramCertificate", null=True, blank=True, on_delete=models.CASCADE)
    program = models.ForeignKey(Program, on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        verbose_name = "Shared program record"
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="records_programcertrecord_unique_per_learner")
        ]

    def __str__(self):
        return f"ProgramCertificateRecord: {self.uuid}"


class UserCreditPathway(TimeStampedModel):
    """Audit row: learner ``user`` sent their record for ``program`` to credit ``pathway`` (spec/models.md §5.3).

    It gates nothing; the one consumer is the re-send when the program certificate is awarded later.
    """

    SENT = "sent"
    STATUS_CHOICES = [(SENT, "sent"), ("", "other")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT)
    status = models.CharField(max_length=15, blank=True, default=SENT, choices=STATUS_CHOICES)
    # Null on legacy rows written before sends were tracked per program.
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "pathway", "program"], name="records_usercreditpathway_unique_per_program"
            )
        ]

    def __str__(self):
        return f"{self.user_id} → {self.pathway_id} ({self.status or 'other'})"

    def clean(self):
        if self.pathway_id and self.pathway.pathway_type != Pathway.CREDIT:
            raise ValidationError({"pathway": "User credit pathways can only be connected to credit pathways."})

    def save(self, *args, **kwargs):
        # Upstream validates every save of this model, choices and uniqueness included.
        self.full_clean()
        super().save(*args, **kwargs)
