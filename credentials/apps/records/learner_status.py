"""Learners' course certificates with their grades, for support tools (spec/api.md §10).

Only the request's site is looked at (DESIGN.md §5.2; upstream reads every site's certificates). Many
learners are answered at once in a fixed number of queries, whatever the number of requests: the
learners, the site's configurations of the named courses and runs, the awarded credentials and the grades.
"""

import uuid

from django.db.models import Q

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core.models import User
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate, UserCredential
from credentials.apps.records.models import UserGrade


def find_learner(*, username=None, lms_user_id=None):
    """The learner a status request names (the exact username, or the first user with that LMS id)."""
    by_username, by_lms_id = _find_learners([{"username": username, "lms_user_id": lms_user_id}])
    return by_username.get(username) if username else by_lms_id.get(lms_user_id)


def learner_certificate_status(*, site, username=None, lms_user_id=None, courses=(), course_runs=()):
    """The learner's awarded, visible course certificates of ``site`` in the given courses or runs, with grades."""
    request = {"username": username, "lms_user_id": lms_user_id, "courses": courses, "course_runs": course_runs}
    return learner_certificate_statuses(site=site, requests=[request])[0]


def learner_certificate_statuses(*, site, requests):
    """One answer per request (``username`` or ``lms_user_id``, ``courses``, ``course_runs``), in order."""
    by_username, by_lms_id = _find_learners(requests)
    wanted = []  # (request, user, course uuids, run uuids, run values)
    for request in requests:
        username, lms_user_id = request.get("username"), request.get("lms_user_id")
        user = by_username.get(username) if username else by_lms_id.get(lms_user_id)
        run_values = {str(value) for value in request.get("course_runs") or ()}
        run_values |= {value.lower() for value in run_values}
        course_uuids = _valid_uuids(str(value).lower() for value in request.get("courses") or ())
        wanted.append((request, user, course_uuids, _valid_uuids(run_values), run_values))

    asked = [item for item in wanted if item[1] is not None and (item[2] or item[4])]
    configurations, awarded, grades = _load(site, asked)

    answers = []
    for request, user, course_uuids, run_uuids, run_values in wanted:
        username, lms_user_id = request.get("username"), request.get("lms_user_id")
        answer = {
            "lms_user_id": user.lms_user_id if (user and username) else lms_user_id,
            "username": user.username if (user and not username) else username,
            "status": [],
        }
        if user is not None and (course_uuids or run_values):
            for credential in awarded.get(user.username, ()):
                run = configurations[credential.credential_id].course_run
                if run.course.uuid in course_uuids or run.uuid in run_uuids or run.key in run_values:
                    grade = grades.get((user.username, run.pk))
                    answer["status"].append(_status_item(credential, configurations[credential.credential_id], grade))
        answers.append(answer)
    return answers


def _find_learners(requests):
    """({username: user}, {lms_user_id: first user by id}) for the requests, in two queries at most.

    Usernames are exact, case included (README, "Usernames"): a case-insensitive collation only narrows.
    """
    usernames = {request.get("username") for request in requests if request.get("username")}
    lms_user_ids = {request.get("lms_user_id") for request in requests if request.get("lms_user_id")}
    by_username, by_lms_id = {}, {}
    if usernames:
        for user in User.objects.filter(username__in=usernames):
            if user.username in usernames:
                by_username[user.username] = user
    if lms_user_ids:
        for user in User.objects.filter(lms_user_id__in=lms_user_ids).order_by("id"):
            by_lms_id.setdefault(user.lms_user_id, user)
    return by_username, by_lms_id


def _load(site, asked):
    """The site's configurations of every asked course and run, the asked learners' awarded, visible
    credentials of them ({username: [credential, ...]} in id order) and their grades ({(username, run id): grade})."""
    if not asked:
        return {}, {}, {}
    course_uuids = set().union(*(item[2] for item in asked))
    run_uuids = set().union(*(item[3] for item in asked))
    run_values = set().union(*(item[4] for item in asked))
    matching_runs = CourseRun.objects.filter(
        Q(course__uuid__in=course_uuids) | Q(uuid__in=run_uuids) | Q(key__in=run_values)
    ).values("pk")
    configurations = {
        configuration.pk: configuration
        for configuration in CourseCertificate.objects.filter(site=site, course_run__in=matching_runs).select_related(
            "course_run__course"
        )
    }
    if not configurations:
        return {}, {}, {}
    usernames = {item[1].username for item in asked}
    awarded = {}
    credentials = credentials_api.filter_visible(
        UserCredential.objects.filter(
            username__in=usernames,
            status=credentials_api.AWARDED,
            credential_content_type=credentials_api.course_content_type(),
            credential_id__in=list(configurations),
        )
    ).order_by("id")
    for credential in credentials:
        if credential.username in usernames:  # exact, whatever the collation
            awarded.setdefault(credential.username, []).append(credential)
    if not awarded:
        return configurations, {}, {}
    grades = {
        (grade.username, grade.course_run_id): grade
        for grade in UserGrade.objects.filter(
            username__in=list(awarded),
            course_run__in={configuration.course_run_id for configuration in configurations.values()},
        )
    }
    return configurations, awarded, grades


def _status_item(credential, configuration, grade):
    run = configuration.course_run
    return {
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


def _valid_uuids(values):
    valid = set()
    for value in values:
        try:
            valid.add(uuid.UUID(value))
        except (ValueError, AttributeError, TypeError):
            continue
    return valid
