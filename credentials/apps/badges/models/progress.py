"""A learner's way toward a badge: one BadgeProgress per learner and template, one Fulfillment per
requirement done (spec/badges.md §3, §4.6, §12.2 #10). The arithmetic is in ``progress.py``."""

from django.db import models
from django.utils import timezone

from credentials.apps.badges.models.requirements import BadgeRequirement
from credentials.apps.badges.models.templates import BadgeTemplate


class BadgeProgress(models.Model):
    username = models.CharField(max_length=255)
    template = models.ForeignKey(BadgeTemplate, models.SET_NULL, null=True, blank=True, related_name="progress_records")

    class Meta:
        verbose_name_plural = "badge progress records"
        constraints = [models.UniqueConstraint(fields=["username", "template"], name="badges_progress_unique_learner")]

    def __str__(self):
        return f"BadgeProgress:{self.username}"

    @property
    def groups(self):
        from credentials.apps.badges.progress import progress_groups

        return progress_groups(self)

    @property
    def ratio(self):
        from credentials.apps.badges.progress import progress_ratio

        return progress_ratio(self)

    @property
    def completed(self):
        return self.ratio == 1.0


class Fulfillment(models.Model):
    progress = models.ForeignKey(BadgeProgress, on_delete=models.CASCADE)
    requirement = models.ForeignKey(
        BadgeRequirement, models.SET_NULL, null=True, blank=True, related_name="fulfillments"
    )
    blend = models.CharField(max_length=255, null=True, blank=True, verbose_name="group")
    # [OURS] When the requirement was fulfilled (NULL for rows migrated from upstream, which kept no time).
    created = models.DateTimeField(null=True, blank=True, default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["progress", "requirement"], name="badges_fulfillment_unique_requirement")
        ]

    def __str__(self):
        return f"Fulfillment:{self.progress_id}:{self.requirement_id}"
