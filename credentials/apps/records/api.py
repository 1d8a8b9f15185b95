"""The records app's public interface: grades, learner certificate status and username replacement."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core.models import User
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate, UserCredential
from credentials.apps.records.models import UserGrade

log = logging.getLogger(__name__)


class GradeConflict(Exception):
    """Another grade already exists for this learner and course run."""


# --- Grades --------------------------------------------------------------------------------------------


def get_course_run(*, site, key):
    """The course run with this key in the site's catalog, or None (grades are site-scoped)."""
    return CourseRun.objects.filter(key=key, course__site=site).select_related("course").first()


def _is_stale(grade, lms_last_updated_at):
    return bool(lms_last_updated_at and grade.lms_last_updated_at and lms_last_updated_at < grade.lms_last_updated_at)


def save_grade(*, username, course_run, **fields):
    """Create or update the learner's grade in a run (spec/models.md §6.1). Returns (grade, outcome).

    ``fields`` are only the values the LMS sent: omitted ones keep their stored value (or the model
    default on creation). An update older than the stored ``lms_last_updated_at`` is ignored, so a late
    retry cannot overwrite a newer grade (DESIGN.md §5.3); ``outcome`` is then "stale".
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                grade = UserGrade.objects.select_for_update().filter(username=username, course_run=course_run).first()
                if grade is None:
                    return UserGrade.objects.create(username=username, course_run=course_run, **fields), "created"
                if _is_stale(grade, fields.get("lms_last_updated_at")):
                    log.info("Ignoring a stale grade for %s in %s", username, course_run.key)
                    return grade, "stale"
                for name, value in fields.items():
                    setattr(grade, name, value)
                grade.save()
                return grade, "updated"
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def update_grade(grade, **fields):
    """PUT/PATCH of one grade by id. Raises GradeConflict when it would duplicate another grade."""
    for name, value in fields.items():
        setattr(grade, name, value)
    try:
        with transaction.atomic():
            grade.save()
    except IntegrityError as exc:
        raise GradeConflict(f"A grade for {grade.username} in {grade.course_run.key} already exists.") from exc
    return grade


# --- Learner certificate status (spec/api.md §10) ------------------------------------------------------


def find_learner(*, username=None, lms_user_id=None):
    if username:
        return User.objects.filter(username=username).first()
    return User.objects.filter(lms_user_id=lms_user_id).order_by("id").first()


def learner_certificate_status(*, username=None, lms_user_id=None, courses=(), course_runs=()):
    """The learner's awarded, visible course certificates in the given courses or runs, with grades."""
    user = find_learner(username=username, lms_user_id=lms_user_id)
    result = {
        "lms_user_id": user.lms_user_id if (user and username) else lms_user_id,
        "username": user.username if (user and not username) else username,
        "status": [],
    }
    if user is None or not (courses or course_runs):
        return result

    course_uuids = {str(value).lower() for value in courses}
    run_values = {str(value) for value in course_runs} | {str(value).lower() for value in course_runs}
    matching_runs = CourseRun.objects.filter(
        Q(course__uuid__in=_valid_uuids(course_uuids)) | Q(uuid__in=_valid_uuids(run_values)) | Q(key__in=run_values)
    )
    configurations = {
        configuration.pk: configuration
        for configuration in CourseCertificate.objects.filter(course_run__in=matching_runs).select_related(
            "course_run__course"
        )
    }
    if not configurations:
        return result
    awarded = credentials_api.filter_visible(
        UserCredential.objects.filter(
            username=user.username,
            status=credentials_api.AWARDED,
            credential_content_type=credentials_api.course_content_type(),
            credential_id__in=list(configurations),
        )
    ).order_by("id")
    grades = {
        grade.course_run_id: grade
        for grade in UserGrade.objects.filter(
            username=user.username, course_run__in=[c.course_run_id for c in configurations.values()]
        )
    }
    for credential in awarded:
        configuration = configurations[credential.credential_id]
        run = configuration.course_run
        grade = grades.get(run.pk)
        result["status"].append(
            {
                "course_uuid": str(run.course.uuid),
                "course_run": {"uuid": str(run.uuid), "key": run.key},
                "status": credential.status,
                "type": configuration.certificate_type,
                "certificate_available_date": configuration.certificate_available_date,
                "grade": {
                    "letter_grade": grade.letter_grade,
                    "percent_grade": float(grade.percent_grade),
                    "verified": grade.verified,
                }
                if grade
                else None,
            }
        )
    return result


def _valid_uuids(values):
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(uuid.UUID(value))
        except (ValueError, AttributeError):
            continue
    return valid


# --- Username replacement (spec/models.md §8) -----------------------------------------------------------


def replace_usernames(mappings):
    """Rename learners everywhere, one pair per transaction, in order. Returns (successful, failed).

    A pair that matches nothing still succeeds; only a database error fails it (and rolls it back).
    Renaming clears the names kept on the user row, as upstream does.
    """
    successful, failed = [], []
    for mapping in mappings:
        ((current, new),) = mapping.items()
        try:
            with transaction.atomic():
                User.objects.filter(username=current).update(username=new, full_name="", first_name="", last_name="")
                UserCredential.objects.filter(username=current).update(username=new)
                UserGrade.objects.filter(username=current).update(username=new)
            successful.append({current: new})
        except Exception:  # any database error fails this pair only
            log.exception("Username replacement %s -> %s failed", current, new)
            failed.append({current: new})
    return successful, failed
