from django.db import models
from simple_history.models import HistoricalRecords

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core.models import TimeStampedModel


class UserGrade(TimeStampedModel):
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
