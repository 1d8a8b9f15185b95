"""Learners' grades in course runs, as the LMS pushes them (spec/models.md §6.1)."""

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError
from django.db.models import CharField, IntegerField

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core import api as core_api
from credentials.apps.records.models import UserGrade

log = logging.getLogger(__name__)


class GradeConflict(Exception):
    """Another grade already exists for this learner and course run."""


def get_course_run(*, site, key):
    """The course run with this key in the site's catalog, or None (grades are site-scoped).

    Every grade the LMS posts names its run: a run found is kept in the cache with the catalog's generation
    (retired by any catalog change, catalog/caching.py), so the next grade of the run costs no statement, and
    in the process while the request's snapshot of generations matches, so it costs no cache round trip."""
    return core_api.cached_with_generations(
        f"grade-course-run:{site.pk}:{hashlib.sha256(key.encode()).hexdigest()}",
        (core_api.CATALOG,),
        lambda: CourseRun.objects.filter(key=key, course__site=site).select_related("course").first(),
        settings.CONFIGURATION_CACHE_TTL,
        in_process=True,
    )


# The learner's grade in the run, locked until the transaction ends; compiled once per process (inside a
# transaction, as FOR UPDATE requires): the ORM's building of it cost more CPU than the database's answer.
_LOCKED_GRADE = core_api.CompiledQuery(
    lambda: (
        UserGrade.objects.select_for_update()
        .filter(username=core_api.Param("username", CharField()), course_run=core_api.Param("run_id", IntegerField()))
        .values(*core_api.model_fields(UserGrade))
        .order_by("pk")[:1]
    )
)


def _locked_grade(username, course_run):
    return core_api.instance(UserGrade, _LOCKED_GRADE.first(username=username, run_id=course_run.pk))


def _is_stale(grade, lms_last_updated_at):
    return bool(lms_last_updated_at and grade.lms_last_updated_at and lms_last_updated_at < grade.lms_last_updated_at)


def save_grade(*, username, course_run, **fields):
    """Create or update the learner's grade in a run (spec/models.md §6.1). Returns (grade, outcome).

    ``fields`` are only the values the LMS sent: omitted ones keep their stored value (or the model
    default on creation). An update older than the stored ``lms_last_updated_at`` is ignored, so a late
    retry cannot overwrite a newer grade (DESIGN.md §5.3); ``outcome`` is then "stale".
    """

    def write():
        grade = _locked_grade(username, course_run)
        if grade is None:
            return UserGrade.objects.create(username=username, course_run=course_run, **fields), "created"
        grade.course_run = course_run  # the run in hand: showing the grade needs no query for it
        if _is_stale(grade, fields.get("lms_last_updated_at")):
            log.info("Ignoring a stale grade for %s in %s", username, course_run.key)
            return grade, "stale"
        for name, value in fields.items():
            setattr(grade, name, value)
        grade.save()
        return grade, "updated"

    # A lost race for the first row, or a deadlock / lock wait with another writer: the upsert is idempotent.
    return core_api.run_with_retries(write, attempts=3, what=f"the grade of {username} in {course_run.key}")


def update_grade(grade, **fields):
    """PUT/PATCH of one grade by id. Raises GradeConflict when it would duplicate another grade."""
    try:
        core_api.update_fields(grade, fields)
    except IntegrityError as exc:
        raise GradeConflict(f"A grade for {grade.username} in {grade.course_run.key} already exists.") from exc
    return grade
