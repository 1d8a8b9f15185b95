"""A local copy of course-discovery's catalog, per site, refreshed by `copy_catalog`.

Ordered many-to-many links (course owners, program runs, program authors, pathway programs) are explicit
through models with a ``sort_value``, so the order discovery returned is kept and read back.
"""

from django.contrib.sites.models import Site
from django.db import models

from credentials.apps.core.models import TimeStampedModel


class Organization(TimeStampedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    uuid = models.UUIDField()
    key = models.CharField(max_length=255, help_text="Short name, e.g. ACMEx.")
    name = models.CharField(max_length=255)
    certificate_logo_image_url = models.CharField(max_length=512, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "uuid"], name="catalog_organization_unique_site_uuid")]

    def __str__(self):
        return self.name


class Course(TimeStampedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    uuid = models.UUIDField()
    key = models.CharField(max_length=255)
    title = models.CharField(max_length=255, null=True, blank=True)
    owners = models.ManyToManyField(Organization, through="CourseOwner", related_name="owned_courses", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "uuid"], name="catalog_course_unique_site_uuid")]

    def __str__(self):
        return self.title or self.key


class CourseRun(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_runs")
    uuid = models.UUIDField()
    key = models.CharField(max_length=255, db_index=True)
    title_override = models.CharField(max_length=255, null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True, db_index=True)
    end_date = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "uuid"], name="catalog_courserun_unique_course_uuid")]

    def __str__(self):
        return self.key

    @property
    def title(self):
        return self.title_override or self.course.title


class Program(TimeStampedModel):
    ACTIVE = "active"
    RETIRED = "retired"
    DELETED = "deleted"
    UNPUBLISHED = "unpublished"

    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    uuid = models.UUIDField()
    title = models.CharField(max_length=255)
    course_runs = models.ManyToManyField(CourseRun, through="ProgramCourseRun", related_name="programs")
    authoring_organizations = models.ManyToManyField(
        Organization, through="ProgramAuthoringOrganization", related_name="authored_programs", blank=True
    )
    type = models.CharField(max_length=32, default="", help_text="Display type, e.g. Professional Certificate.")
    type_slug = models.CharField(max_length=32, default="", help_text="e.g. professional-certificate.")
    total_hours_of_effort = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=24, default=ACTIVE, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "uuid"], name="catalog_program_unique_site_uuid")]

    def __str__(self):
        return f"{self.title} ({self.uuid.hex})"


class Pathway(TimeStampedModel):
    CREDIT = "credit"
    INDUSTRY = "industry"
    TYPE_CHOICES = [(CREDIT, "Credit"), (INDUSTRY, "Industry")]
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    RETIRED = "retired"
    STATUS_CHOICES = [(RETIRED, "retired"), (UNPUBLISHED, "unpublished"), (PUBLISHED, "published")]

    pathway_type = models.CharField(max_length=32, choices=TYPE_CHOICES, default=CREDIT)
    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    uuid = models.UUIDField()
    name = models.CharField(max_length=255)
    org_name = models.CharField(max_length=255)
    email = models.EmailField(help_text="The partner's inbox; a pathway without one is inactive in records.")
    programs = models.ManyToManyField(Program, through="PathwayProgram", related_name="pathways")
    status = models.CharField(max_length=24, choices=STATUS_CHOICES, default=PUBLISHED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "uuid"], name="catalog_pathway_unique_site_uuid")]

    def __str__(self):
        return self.name


class CourseOwner(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="owner_links")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sort_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_value", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "organization"], name="catalog_courseowner_unique")]


class ProgramCourseRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="course_run_links")
    course_run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="+")
    sort_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_value", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "course_run"], name="catalog_programcourserun_unique")
        ]


class ProgramAuthoringOrganization(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="authoring_organization_links")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sort_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_value", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organization"], name="catalog_programauthoringorg_unique")
        ]


class PathwayProgram(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="program_links")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    sort_value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_value", "id"]
        constraints = [models.UniqueConstraint(fields=["pathway", "program"], name="catalog_pathwayprogram_unique")]
