"""What earns a badge and what takes it back: requirements, penalties and their data rules (spec/badges.md
§3, §4.4, §12.3). Evaluating them is ``rules.py``'s job; these are the rows."""

from django.db import models

from credentials.apps.badges.conf import event_type_choices
from credentials.apps.badges.models.templates import BadgeTemplate


class Operator:
    """Rule operators: upstream's two plus ours (spec/badges.md §12.3). Stored values are upstream's names."""

    EQ, NE, LT, LE, GT, GE = "eq", "ne", "lt", "le", "gt", "ge"
    IN, NOT_IN, EXISTS, NOT_EXISTS = "in", "not_in", "exists", "not_exists"
    CHOICES = [
        (EQ, "="),
        (NE, "!="),
        (LT, "<"),
        (LE, "<="),
        (GT, ">"),
        (GE, ">="),
        (IN, "in"),
        (NOT_IN, "not in"),
        (EXISTS, "exists"),
        (NOT_EXISTS, "not exists"),
    ]
    SYMBOLS = dict(CHOICES)
    ORDERED = (LT, LE, GT, GE)  # numeric or date-time comparisons of the raw value
    VALUELESS = (EXISTS, NOT_EXISTS)


class BadgeRequirement(models.Model):
    """One event a learner must have had, in a group (``blend``) of alternatives."""

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE, related_name="requirements")
    event_type = models.CharField(max_length=255, choices=event_type_choices, help_text="Public signal type.")
    description = models.TextField(null=True, blank=True)
    blend = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        verbose_name="group",
        help_text="Requirements of one group are alternatives; every group must be fulfilled.",
    )

    def __str__(self):
        return f"BadgeRequirement:{self.id}:{self.template.uuid}"


class AbstractDataRule(models.Model):
    data_path = models.CharField(max_length=255, verbose_name="key path", help_text="Dotted path in the event data.")
    operator = models.CharField(max_length=32, choices=Operator.CHOICES, default=Operator.EQ)
    value = models.CharField(max_length=255, blank=True, verbose_name="expected value")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.data_path} {Operator.SYMBOLS.get(self.operator, self.operator)} {self.value}".rstrip()


class DataRule(AbstractDataRule):
    requirement = models.ForeignKey(BadgeRequirement, on_delete=models.CASCADE, related_name="rules")

    class Meta:
        unique_together = ("requirement", "data_path", "operator", "value")


class BadgePenalty(models.Model):
    """An event that undoes fulfilled requirements (and so may revoke the badge)."""

    template = models.ForeignKey(BadgeTemplate, on_delete=models.CASCADE)
    event_type = models.CharField(max_length=255, choices=event_type_choices, help_text="Public signal type.")
    requirements = models.ManyToManyField(BadgeRequirement, help_text="Requirements this penalty resets.")

    class Meta:
        verbose_name_plural = "Badge penalties"

    def __str__(self):
        return f"BadgePenalty:{self.id}:{self.template.uuid}"


class PenaltyDataRule(AbstractDataRule):
    penalty = models.ForeignKey(BadgePenalty, on_delete=models.CASCADE, related_name="rules")

    class Meta:
        unique_together = ("penalty", "data_path", "operator", "value")
