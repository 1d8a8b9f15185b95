"""/api/v2/grades/: the LMS's grade sink (spec/api.md §7, DESIGN.md §5.3)."""

import contextlib
import time

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from credentials.apps.catalog.models import CourseRun
from credentials.apps.core import generations
from credentials.apps.records import api as records_api
from credentials.apps.records.models import UserGrade
from tests.factories import CourseFactory, CourseRunFactory, UserFactory, UserGradeFactory
from tests.jwt_helpers import auth_header, make_token

pytestmark = pytest.mark.django_db

URL = "/api/v2/grades/"


def lms_form(course_run, **overrides):
    """What send_grade_to_credentials posts: form-encoded, verified as "True", the timestamp as str()."""
    return {
        "username": "alice",
        "course_run": course_run.key,
        "letter_grade": "A",
        "percent_grade": 0.9,
        "verified": "True",
        "lms_last_updated_at": "2024-05-01 10:20:30.123456+00:00",
        **overrides,
    }


def test_lms_form_encoded_grade_is_created(api_client, lms, course_run):
    response = api_client.post(URL, lms_form(course_run), **lms)

    assert response.status_code == 201
    grade = UserGrade.objects.get()
    assert response.json() == {
        "id": grade.pk,
        "username": "alice",
        "course_run": course_run.key,
        "letter_grade": "A",
        "percent_grade": "0.9000",
        "verified": True,
        "lms_last_updated_at": "2024-05-01T10:20:30Z",
        "created": grade.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modified": grade.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2024-05-01T12:20:30+02:00", "2024-05-01T10:20:30Z"),  # another offset: the same moment, in UTC
        ("2024-05-01 10:20:30", "2024-05-01T10:20:30Z"),  # no offset: read in the service's zone, UTC
    ],
)
def test_timestamps_are_read_with_their_offset_and_answered_in_utc(api_client, lms, course_run, sent, stored):
    response = api_client.post(URL, lms_form(course_run, lms_last_updated_at=sent), **lms)

    assert response.status_code == 201
    assert response.json()["lms_last_updated_at"] == stored
    assert UserGrade.objects.get().lms_last_updated_at.isoformat() == stored.replace("Z", "+00:00")


def test_json_grade_with_null_letter_is_stored_blank(api_client, lms, course_run):
    body = {"username": "alice", "course_run": course_run.key, "percent_grade": "0.5", "letter_grade": None}

    response = api_client.post(URL, body, format="json", **lms)

    assert response.status_code == 201
    assert response.json()["letter_grade"] == ""
    assert response.json()["verified"] is True


def test_reposting_updates_the_same_row(api_client, lms, course_run):
    first = api_client.post(URL, lms_form(course_run), **lms).json()
    second = api_client.post(
        URL, lms_form(course_run, percent_grade=0.95, lms_last_updated_at="2024-05-02 00:00:00+00:00"), **lms
    )

    assert second.status_code == 201
    assert second.json()["id"] == first["id"]
    assert float(UserGrade.objects.get().percent_grade) == 0.95


def test_omitted_optional_fields_keep_their_stored_values(api_client, lms, course_run):
    api_client.post(URL, lms_form(course_run, verified="False"), **lms)

    api_client.post(URL, {"username": "alice", "course_run": course_run.key, "percent_grade": 0.7}, **lms)

    grade = UserGrade.objects.get()
    assert (grade.letter_grade, grade.verified, float(grade.percent_grade)) == ("A", False, 0.7)


def test_a_stale_update_is_ignored_and_the_stored_grade_returned(api_client, lms, course_run):
    api_client.post(URL, lms_form(course_run, lms_last_updated_at="2024-05-02 00:00:00+00:00"), **lms)

    response = api_client.post(
        URL, lms_form(course_run, percent_grade=0.1, lms_last_updated_at="2024-05-01 00:00:00+00:00"), **lms
    )

    assert response.status_code == 200
    assert response.json()["percent_grade"] == "0.9000"
    assert float(UserGrade.objects.get().percent_grade) == 0.9


def test_unknown_course_run_is_400(api_client, lms, site):
    response = api_client.post(URL, {"username": "a", "course_run": "course-v1:X+Y+Z", "percent_grade": 0.5}, **lms)

    assert response.status_code == 400
    assert response.json() == {"course_run": ["No CourseRun exists for key [course-v1:X+Y+Z]"]}


def test_course_run_of_another_site_is_400(api_client, lms, site, other_site):
    elsewhere = CourseRunFactory(course__site=other_site)

    assert api_client.post(URL, lms_form(elsewhere), **lms).status_code == 400
    assert not UserGrade.objects.exists()


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("0.12345", "Ensure that there are no more than 4 decimal places."),
        ("12.5", "Ensure that there are no more than 1 digits before the decimal point."),
        ("abc", "A valid number is required."),
    ],
)
def test_invalid_percent_grade_is_400(api_client, lms, course_run, percent, message):
    response = api_client.post(URL, lms_form(course_run, percent_grade=percent), **lms)

    assert response.json() == {"percent_grade": [message]}
    assert not UserGrade.objects.exists()


def test_required_fields(api_client, lms, site):
    response = api_client.post(URL, {}, format="json", **lms)

    assert set(response.json()) == {"username", "course_run", "percent_grade"}


def test_learner_cannot_post_grades(api_client, learner, course_run):
    assert api_client.post(URL, lms_form(course_run), **learner).status_code == 403


def test_get_is_403_without_view_permission_and_405_for_superusers(api_client, lms, site):
    assert api_client.get(URL, **lms).status_code == 403
    api_client.force_login(UserFactory(username="root", is_superuser=True))
    assert api_client.get(URL).status_code == 405


def test_patch_updates_a_grade_by_id(api_client, lms, course_run):
    grade = UserGradeFactory(username="alice", course_run=course_run)

    response = api_client.patch(f"{URL}{grade.pk}/", {"letter_grade": "B"}, format="json", **lms)

    assert response.status_code == 200
    assert response.json()["letter_grade"] == "B"


def test_put_requires_the_full_grade(api_client, lms, course_run):
    grade = UserGradeFactory(username="alice", course_run=course_run)

    assert api_client.put(f"{URL}{grade.pk}/", {"letter_grade": "B"}, format="json", **lms).status_code == 400


@pytest.mark.parametrize("grade_id", ["999999", "abc"])
def test_unknown_grade_id_is_404(api_client, lms, site, grade_id):
    assert api_client.patch(f"{URL}{grade_id}/", {"letter_grade": "B"}, format="json", **lms).status_code == 404


def test_changing_a_grade_onto_an_existing_pair_is_400_not_500(api_client, lms, course_run, site):
    other_run = CourseRunFactory(course__site=site)
    UserGradeFactory(username="alice", course_run=course_run)
    grade = UserGradeFactory(username="alice", course_run=other_run)

    response = api_client.patch(f"{URL}{grade.pk}/", {"course_run": course_run.key}, format="json", **lms)

    assert response.status_code == 400
    grade.refresh_from_db()
    assert grade.course_run == other_run


def test_non_staff_graders_are_throttled_at_90_per_minute(api_client, course_run):
    grader = UserFactory(username="grader")
    grader.user_permissions.add(Permission.objects.get(codename="add_usergrade"))
    headers = auth_header(make_token("grader"))

    statuses = [api_client.post(URL, lms_form(course_run), **headers).status_code for _ in range(91)]

    assert statuses[:90] == [201] * 90
    assert statuses[90] == 429


class RolledBack(Exception):
    pass


def test_a_course_run_of_a_rolled_back_transaction_is_unknown_to_grades_once_its_change_expires(
    api_client, lms, site, monkeypatch
):
    """A run looked up (and cached) inside the transaction that created it stays unknown after the rollback:
    the catalog generation that transaction started expires, instead of vouching for the cached run until
    the catalog's next change (a grade for it then failed on the missing row)."""
    monkeypatch.setattr(generations, "INTERIM_GENERATION_SECONDS", 1)
    course = CourseFactory(site=site)
    with contextlib.suppress(RolledBack), transaction.atomic():
        run = CourseRunFactory(course=course, key="course-v1:Gone+G+1")
        assert records_api.get_course_run(site=site, key=run.key) == run  # built from the uncommitted row
        raise RolledBack
    assert not CourseRun.objects.filter(key="course-v1:Gone+G+1").exists()
    time.sleep(2.2)  # the interim generation's second, rounded up by memcached

    response = api_client.post(URL, {"username": "a", "course_run": "course-v1:Gone+G+1", "percent_grade": 0.5}, **lms)

    assert response.status_code == 400
    assert response.json() == {"course_run": ["No CourseRun exists for key [course-v1:Gone+G+1]"]}
    assert not UserGrade.objects.exists()
