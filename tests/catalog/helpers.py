"""Running copy_catalog as cron would, and reading back every catalog row."""

from dataclasses import dataclass
from io import StringIO

from django.core.management import CommandError, call_command

from credentials.apps.catalog.models import (
    Course,
    CourseOwner,
    CourseRun,
    Organization,
    Pathway,
    PathwayProgram,
    Program,
    ProgramAuthoringOrganization,
    ProgramCourseRun,
)

CATALOG_MODELS = (
    Organization,
    Course,
    CourseRun,
    Program,
    Pathway,
    CourseOwner,
    ProgramCourseRun,
    ProgramAuthoringOrganization,
    PathwayProgram,
)


@dataclass
class Outcome:
    status: int
    out: str
    err: str


def copy_catalog(*args):
    """Run the command as cron would and return its exit status and output."""
    out, err = StringIO(), StringIO()
    try:
        call_command("copy_catalog", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
        err.write(f"CommandError: {exc}\n")
    return Outcome(status, out.getvalue(), err.getvalue())


def catalog_rows():
    """Every catalog row, link rows included, with every column (ids and timestamps too)."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CATALOG_MODELS}
