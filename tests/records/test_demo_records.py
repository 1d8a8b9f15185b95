"""`make run`'s demo data gives a newcomer a real, partially completed learner record (issue 5)."""

import pytest
from django.core.management import call_command

from credentials.apps.catalog.models import Program
from credentials.apps.core.models import User
from credentials.apps.records import api
from credentials.apps.records.models import UserGrade

pytestmark = pytest.mark.django_db


def test_bob_has_a_partially_completed_record_with_grades():
    call_command("load_demo_data")
    program = Program.objects.get(title="Data Science Foundations")
    bob = User.objects.get(username="bob")

    (listed,) = api.list_program_records(site=program.site, user=bob)
    record = api.build_program_record(site=program.site, user=bob, program_uuid=program.uuid)

    assert (listed["name"], listed["completed"]) == ("Data Science Foundations", False)
    assert [(row["name"], row["percent_grade"], row["letter_grade"]) for row in record["grades"]] == [
        ("Foundations of Data Science", 0.92, "A"),
        ("Statistics for Data Science", 0.78, "C+"),
        ("Machine Learning in Practice", "", ""),
    ]
    assert (record["program"]["completed"], record["program"]["empty"]) == (False, False)
    assert [(pathway["name"], pathway["is_active"]) for pathway in record["pathways"]] == [
        ("Lakeside Community College", False),
        ("Northbridge State University", True),
    ]


def test_alice_has_a_verified_grade_in_every_course_of_the_program():
    call_command("load_demo_data")

    grades = UserGrade.objects.filter(username="alice", verified=True).order_by("course_run__key")

    assert [grade.letter_grade for grade in grades] == ["A", "B+", "A-"]
