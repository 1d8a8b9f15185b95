"""The record builder (spec/pages.md §5.6): which grades count, the highest grade, attempts, dates, row order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from credentials.apps.catalog import api as catalog_api
from credentials.apps.records import api
from tests.factories import (
    CourseCertificateFactory,
    CourseFactory,
    CourseRunFactory,
    PathwayFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    UserCreditPathwayFactory,
    UserFactory,
)
from tests.records.helpers import add_run, at, award, award_program, grade, make_program

pytestmark = pytest.mark.django_db

ROW_KEYS = ["name", "school", "attempts", "course_id", "issue_date", "percent_grade", "letter_grade"]


def build(site, user, program):
    return api.build_program_record(site=site, user=user, program_uuid=program.uuid)


def test_earned_course_with_grade_is_a_full_row(site, alice):
    program, runs, configurations = make_program(2)
    configurations[0].certificate_available_date = at(2024, 5, 11)
    configurations[0].save()
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9500", "A")

    record = build(site, alice, program)

    assert record["grades"][0] == {
        "name": "Course 1",
        "school": "MITx University",
        "attempts": 1,
        "course_id": runs[0].key,
        "issue_date": "2024-05-11T00:00:00+00:00",
        "percent_grade": 0.95,
        "letter_grade": "A",
    }
    assert list(record["grades"][0]) == ROW_KEYS


def test_earned_course_without_grade_has_only_course_id_and_issue_date(site, alice):
    program, runs, configurations = make_program(1)
    credential = award("alice", configurations[0], created=at(2024, 3, 1))

    (row,) = build(site, alice, program)["grades"]

    assert row == {
        "name": "Course 1",
        "school": "MITx University",
        "attempts": "",
        "course_id": runs[0].key,
        "issue_date": credential.created.isoformat(),
        "percent_grade": "",
        "letter_grade": "",
    }


def test_course_not_earned_has_name_and_school_only(site, alice):
    program, _, _ = make_program(2)

    rows = build(site, alice, program)["grades"]

    assert rows == [
        {
            "name": f"Course {n}",
            "school": "MITx University",
            "attempts": "",
            "course_id": "",
            "issue_date": "",
            "percent_grade": "",
            "letter_grade": "",
        }
        for n in (1, 2)
    ]


def test_rows_follow_the_catalog_order_of_runs(site, alice):
    program, runs, _ = make_program(3)
    catalog_api.set_ordered(program, "course_runs", [runs[2], runs[0], runs[1]])

    names = [row["name"] for row in build(site, alice, program)["grades"]]

    assert names == ["Course 3", "Course 1", "Course 2"]


def test_revoked_credential_counts_an_attempt_but_no_grade(site, alice):
    program, runs, configurations = make_program(1)
    award("alice", configurations[0], status="revoked")
    grade("alice", runs[0], "0.9000")

    record = build(site, alice, program)

    assert record["grades"][0]["course_id"] == ""
    assert record["grades"][0]["percent_grade"] == ""
    assert record["program"]["empty"] is True


def test_unverified_grades_are_ignored(site, alice):
    program, runs, configurations = make_program(1)
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9000", verified=False)

    (row,) = build(site, alice, program)["grades"]

    assert (row["course_id"], row["attempts"], row["percent_grade"]) == (runs[0].key, "", "")


def test_grade_without_credential_in_its_run_counts_for_nothing(site, alice):
    program, runs, _ = make_program(1)
    grade("alice", runs[0], "0.9000")

    record = build(site, alice, program)

    assert record["grades"][0]["attempts"] == ""
    assert record["program"]["empty"] is True


def test_highest_grade_across_runs_and_every_attempt_counts(site, alice):
    program, runs, configurations = make_program(1)
    second_run, second_configuration = add_run(program, runs[0].course)
    award("alice", configurations[0], status="revoked")
    grade("alice", runs[0], "0.9900", "A+")  # a revoked attempt: counted, never the best
    award("alice", second_configuration)
    grade("alice", second_run, "0.7100", "C")

    (row,) = build(site, alice, program)["grades"]

    assert (row["course_id"], row["attempts"], row["percent_grade"], row["letter_grade"]) == (
        second_run.key,
        2,
        0.71,
        "C",
    )


def test_best_grade_among_awarded_runs_and_the_row_sits_at_the_awarded_run(site, alice):
    program, runs, configurations = make_program(2)
    later_run, later_configuration = add_run(program, runs[0].course)
    award("alice", configurations[0])
    grade("alice", runs[0], "0.6000", "D")
    award("alice", later_configuration)
    grade("alice", later_run, "0.8000", "B")

    rows = build(site, alice, program)["grades"]

    # The course appears once. The later awarded credential wins, so its run's row is emitted (after Course 2).
    assert [(row["name"], row["course_id"]) for row in rows] == [("Course 2", ""), ("Course 1", later_run.key)]
    assert (rows[1]["percent_grade"], rows[1]["letter_grade"], rows[1]["attempts"]) == (0.8, "B", 2)


def test_equal_grades_keep_the_first_one(site, alice):
    program, runs, configurations = make_program(1)
    second_run, second_configuration = add_run(program, runs[0].course)
    award("alice", configurations[0])
    award("alice", second_configuration)
    grade("alice", runs[0], "0.8000", "B")
    grade("alice", second_run, "0.8000", "B+")

    (row,) = build(site, alice, program)["grades"]

    assert row["letter_grade"] == "B"


def test_blank_letter_grade_reads_na(site, alice):
    program, runs, configurations = make_program(1)
    award("alice", configurations[0])
    grade("alice", runs[0], "0.8000", "")

    assert build(site, alice, program)["grades"][0]["letter_grade"] == "N/A"


def test_issue_date_prefers_the_date_override(site, alice):
    program, runs, configurations = make_program(1)
    configurations[0].certificate_available_date = at(2024, 5, 11)
    configurations[0].save()
    award("alice", configurations[0], override=at(2024, 1, 2))

    assert build(site, alice, program)["grades"][0]["issue_date"] == "2024-01-02T00:00:00+00:00"


def test_credentials_not_yet_visible_do_not_count(site, alice):
    program, runs, configurations = make_program(1)
    configurations[0].certificate_available_date = timezone.now() + timedelta(days=3)
    configurations[0].save()
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9000")

    (row,) = build(site, alice, program)["grades"]

    assert row["issue_date"] == "" and row["course_id"] == ""


def test_runs_outside_the_program_are_ignored(site, alice):
    program, runs, _ = make_program(1)
    other_run = CourseRunFactory(course=runs[0].course)
    award("alice", CourseCertificateFactory(course_run=other_run))
    grade("alice", other_run, "0.9000")

    (row,) = build(site, alice, program)["grades"]

    assert row["course_id"] == ""


def test_other_learners_credentials_and_grades_do_not_leak(site, alice):
    program, runs, configurations = make_program(1)
    award("bob", configurations[0])
    grade("bob", runs[0], "0.9000")

    (row,) = build(site, alice, program)["grades"]

    assert row["course_id"] == ""


def test_last_updated_is_the_latest_visible_date_or_grade_change(site, alice):
    program, runs, configurations = make_program(2)
    award("alice", configurations[0], created=at(2024, 2, 1))
    grade("alice", runs[0], "0.9", modified=at(2024, 3, 1))
    award("alice", configurations[1], created=at(2024, 4, 1))
    grade("alice", runs[1], "0.8", modified=at(2024, 1, 1))

    assert build(site, alice, program)["program"]["last_updated"] == "2024-04-01T00:00:00+00:00"


def test_last_updated_is_now_when_nothing_counts(site, alice):
    program, _, _ = make_program(1)
    before = timezone.now()

    last_updated = parse_datetime(build(site, alice, program)["program"]["last_updated"])

    assert before <= last_updated <= timezone.now()


def test_program_block(site, alice):
    program, runs, configurations = make_program(1, title="Data Science", type="Professional Certificate")
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9")

    record = build(site, alice, program)

    assert record["learner"] == {"full_name": "Alice Learner", "username": "alice", "email": "alice@example.com"}
    assert record["platform_name"] == "Test Platform"
    program_block = dict(record["program"])
    program_block.pop("last_updated")
    assert program_block == {
        "name": "Data Science",
        "type": "professional-certificate",
        "type_name": "Professional Certificate",
        "completed": False,
        "empty": False,
        "school": "MITx University",
    }


def test_full_name_falls_back_to_first_and_last_name(site):
    learner = UserFactory(username="carol", full_name="", first_name="Carol", last_name="Jones")
    program, _, _ = make_program(1)

    assert build(site, learner, program)["learner"]["full_name"] == "Carol Jones"


@pytest.mark.parametrize(("status", "completed"), [("awarded", True), ("revoked", False)])
def test_completed_needs_an_awarded_visible_program_credential(site, alice, status, completed):
    program, runs, configurations = make_program(1)
    award("alice", configurations[0])
    award_program("alice", program, status=status)

    assert build(site, alice, program)["program"]["completed"] is completed


def test_program_credential_without_course_credentials_is_not_visible_so_not_completed(site, alice):
    program, _, _ = make_program(1)
    award_program("alice", program)

    assert build(site, alice, program)["program"]["completed"] is False


def test_pathways_every_linked_pathway_with_the_learners_send_status(site, alice):
    program, _, _ = make_program(1)
    sent = PathwayFactory(name="A State University", email="credit@state.example.com")
    unsent = PathwayFactory(name="B Industry", email="", pathway_type="industry", status="unpublished")
    PathwayFactory(name="C Unrelated")
    for pathway in (sent, unsent):
        catalog_api.set_ordered(pathway, "programs", [program])
    UserCreditPathwayFactory(user=alice, pathway=sent, program=program)

    pathways = build(site, alice, program)["pathways"]

    assert pathways == [
        {"name": "A State University", "id": sent.pk, "status": "sent", "is_active": True, "pathway_type": "credit"},
        {"name": "B Industry", "id": unsent.pk, "status": "", "is_active": False, "pathway_type": "industry"},
    ]


def test_shared_record_uuid_is_the_learners_own(site, alice):
    program, _, _ = make_program(1)
    assert build(site, alice, program)["shared_program_record_uuid"] is None
    ProgramCertRecordFactory(program=program)  # someone else's
    shared = ProgramCertRecordFactory(user=alice, program=program)

    assert build(site, alice, program)["shared_program_record_uuid"] == shared.uuid.hex


def test_program_without_runs_has_an_empty_table(site, alice):
    program = ProgramFactory()

    record = build(site, alice, program)

    assert record["grades"] == []
    assert record["program"]["empty"] is True


def test_course_without_title_shows_its_key(site, alice):
    course = CourseFactory(title=None, key="MITx+NOTITLE")
    program = ProgramFactory()
    catalog_api.set_ordered(program, "course_runs", [CourseRunFactory(course=course)])

    assert build(site, alice, program)["grades"][0]["name"] == "MITx+NOTITLE"


def _queries_to_build(site, learner, courses):
    """Queries to load and build a fully earned record of ``courses`` courses, with a pathway and a share."""
    program, runs, configurations = make_program(courses, title=f"Program of {courses}")
    pathway = PathwayFactory()
    catalog_api.set_ordered(pathway, "programs", [program])
    for run, configuration in zip(runs, configurations, strict=True):
        award(learner.username, configuration)
        grade(learner.username, run, "0.8")
    award_program(learner.username, program)
    ProgramCertRecordFactory(user=learner, program=program)
    with CaptureQueriesContext(connection) as context:
        record = build(site, learner, program)
    assert len(record["grades"]) == courses
    assert all(row["percent_grade"] == 0.8 for row in record["grades"])
    assert record["program"]["completed"] is True
    return len(context.captured_queries)


def test_query_count_is_the_same_for_2_and_30_courses(site, alice):
    build(site, alice, make_program(1, title="warm-up")[0])  # content types are cached per process

    small = _queries_to_build(site, alice, 2)
    large = _queries_to_build(site, alice, 30)

    assert small == large
    assert large <= 12


def test_building_a_30_course_record_stays_within_twelve_queries(site, alice, django_assert_max_num_queries):
    program, runs, configurations = make_program(30)
    for run, configuration in zip(runs, configurations, strict=True):
        award("alice", configuration)
        grade("alice", run, "0.8")

    with django_assert_max_num_queries(12):
        record = build(site, alice, program)

    assert len(record["grades"]) == 30


def test_another_sites_credentials_do_not_complete_or_fill_this_sites_record(site, alice):
    """DESIGN.md §5.2: the same program uuid and run keys on a second site, earned there, leave this
    site's record empty and not completed (upstream matches program and course credentials on any site)."""
    from tests.factories import SiteConfigurationFactory, SiteFactory

    program, runs, _ = make_program(1)
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    other_program = ProgramFactory(site=other_site, uuid=program.uuid, title="Data Science elsewhere")
    other_run = CourseRunFactory(course=CourseFactory(site=other_site), key=runs[0].key)
    catalog_api.set_ordered(other_program, "course_runs", [other_run])
    award("alice", CourseCertificateFactory(course_run=other_run, site=other_site))
    grade("alice", other_run, "0.9000", "A")
    award_program("alice", other_program)
    assert build(other_site, alice, other_program)["program"]["completed"] is True  # earned there

    record = build(site, alice, program)

    assert record["program"]["completed"] is False
    assert record["program"]["empty"] is True
    assert record["grades"][0]["course_id"] == record["grades"][0]["issue_date"] == ""
