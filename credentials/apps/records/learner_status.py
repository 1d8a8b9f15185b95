"""A learner's course certificates with their grades, for support tools (spec/api.md §10)."""

from django.db.models import Q

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core import api as core_api
from credentials.apps.core.models import User
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate, UserCredential
from credentials.apps.records.models import UserGrade


def find_learner(*, username=None, lms_user_id=None):
    if username:
        return core_api.get_user_by_username(username)
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
