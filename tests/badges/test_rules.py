"""Rule operators over real event payloads (spec/badges.md §4.4, §12.3): upstream's string semantics for eq/ne,
typed comparisons of the raw value for the ordered operators, lists, existence."""

from datetime import UTC, datetime

import pytest

from bench.fake_lms import ccx_passing_status_data, passing_status_data
from credentials.apps.badges.models import DataRule
from credentials.apps.badges.payloads import course_key_of, find_user_data
from credentials.apps.badges.rules import (
    evaluate,
    keypath,
    payload_dict,
    penalty_applies,
    requirement_matches,
    validate_value,
)

START = datetime(2024, 1, 1, tzinfo=UTC)
PASSING = payload_dict(
    passing_status_data(course_key="course-v1:edX+A+1", username="ann", email="Ann@x.org", start=START)
)
CCX = payload_dict(
    ccx_passing_status_data(
        ccx_course_key="ccx-v1:edX+A+1+ccx@3",
        master_course_key="course-v1:edX+A+1",
        username="ann",
        max_students_allowed=25,
        is_passing=False,
    )
)


def holds(data, path, operator, value):
    return evaluate(operator, keypath(data, path), value)


@pytest.mark.parametrize(
    ("data", "path", "operator", "value", "expected"),
    [
        # eq / ne: upstream's string comparison, boolean spellings normalised, case-sensitive.
        (PASSING, "is_passing", "eq", "true", True),
        (PASSING, "is_passing", "eq", "Yes", True),
        (PASSING, "is_passing", "eq", "+", True),
        (PASSING, "is_passing", "eq", "1", False),
        (PASSING, "is_passing", "ne", "false", True),
        (CCX, "is_passing", "eq", "no", True),
        (PASSING, "course.course_key", "eq", "course-v1:edX+A+1", True),
        (PASSING, "course.course_key", "eq", "course-v1:edx+a+1", False),
        (CCX, "course.ccx_course_key", "eq", "ccx-v1:edX+A+1+ccx@3", True),
        (CCX, "course.max_students_allowed", "eq", "25", True),
        (PASSING, "course.start", "eq", "2024-01-01 00:00:00+00:00", True),  # str() of the datetime
        (PASSING, "course.end", "eq", "None", True),  # None and a missing path both read "None"
        (PASSING, "course.no_such", "eq", "None", True),
        (PASSING, "user.pii.email", "eq", "ann@x.org", False),
        # lt/le/gt/ge: numbers when both sides are numbers...
        (CCX, "course.max_students_allowed", "gt", "9", True),  # 25 > 9 (as strings "25" < "9")
        (CCX, "course.max_students_allowed", "ge", "25", True),
        (CCX, "course.max_students_allowed", "ge", "25.0", True),
        (CCX, "course.max_students_allowed", "lt", "25", False),
        (CCX, "course.max_students_allowed", "le", "1e2", True),
        (CCX, "course.max_students_allowed", "lt", "NaN", False),
        (CCX, "course.max_students_allowed", "lt", "lots", False),
        (PASSING, "is_passing", "ge", "1", False),  # a boolean is not a number
        (PASSING, "course.no_such", "lt", "5", False),  # missing: never ordered
        # ... date-times otherwise (naive = UTC).
        (PASSING, "course.start", "ge", "2024-01-01T00:00:00", True),
        (PASSING, "course.start", "lt", "2024-01-01T00:00:00+00:00", False),
        (PASSING, "course.start", "lt", "2024-01-01T01:00:00+02:00", False),  # 23:00 UTC the day before
        (PASSING, "course.start", "gt", "2023-12-31T23:59:59Z", True),
        (PASSING, "course.start", "gt", "2023-13-01", False),
        (PASSING, "course.end", "lt", "2030-01-01", False),  # None is no date-time
        # in / not_in: JSON array or comma list, compared in eq's string form.
        (PASSING, "course.course_key", "in", '["course-v1:edX+A+1", "course-v1:edX+B+1"]', True),
        (PASSING, "course.course_key", "in", "course-v1:edX+B+1 , course-v1:edX+A+1", True),
        (PASSING, "course.course_key", "not_in", "course-v1:edX+B+1", True),
        (PASSING, "is_passing", "in", "yes, maybe", True),
        (CCX, "course.max_students_allowed", "in", '["24", "25"]', True),
        (PASSING, "course.course_key", "in", "[1, 2]", False),  # not strings: never matches
        (PASSING, "course.course_key", "in", "", False),
        (PASSING, "course.course_key", "not_in", "", False),
        # exists / not_exists: a non-None value at the path.
        (PASSING, "course.start", "exists", "", True),
        (PASSING, "course.end", "exists", "", False),
        (PASSING, "course.end", "not_exists", "", True),
        (PASSING, "course.display_name", "exists", "", True),  # "" is a value
        (PASSING, "course.missing.deeper", "not_exists", "", True),
        (PASSING, "is_passing", "exists", "ignored", True),
        # Unknown operators (upstream would run any function of Python's operator module) never match.
        (PASSING, "is_passing", "contains", "True", False),
        (PASSING, "is_passing", "truth", "", False),
    ],
)
def test_operator(data, path, operator, value, expected):
    assert holds(data, path, operator, value) is expected


def test_requirement_without_rules_matches_penalty_without_rules_never():
    rule = DataRule(data_path="is_passing", operator="eq", value="false")
    assert requirement_matches([], PASSING)
    assert not penalty_applies([], PASSING)
    assert not requirement_matches([rule], PASSING)
    assert penalty_applies([rule], CCX)


def test_validate_value_per_operator():
    assert validate_value("lt", "10") is None
    assert validate_value("ge", "2024-05-01T10:00:00") is None
    assert validate_value("gt", "soon") == "Value must be a number or an ISO-8601 date-time."
    assert validate_value("in", '["a"]') is None
    assert validate_value("in", "") is not None
    assert validate_value("in", "[1]") is not None
    assert validate_value("exists", "") is None
    assert validate_value("like", "x") == "Unknown operator 'like'."


def test_the_learner_and_course_of_a_payload():
    payload = ccx_passing_status_data(
        ccx_course_key="ccx-v1:edX+A+1+ccx@3", master_course_key="course-v1:edX+A+1", username="zed"
    )
    assert find_user_data(payload).pii.username == "zed"
    assert course_key_of(payload) == "ccx-v1:edX+A+1+ccx@3"
    assert find_user_data(object()) is None


def test_trigger_keys_fit_the_consumed_event_column():
    from credentials.apps.badges.payloads import trigger_entity_key

    key = trigger_entity_key("org.openedx.learning.course.passing.status.updated.v1")
    short = key({"course_passing_status": passing_status_data(course_key="course-v1:edX+A+1", username="ann")})
    assert short == "badge-trigger:ann:org.openedx.learning.course.passing.status.updated.v1:course-v1:edX+A+1"
    long_data = {"course_passing_status": passing_status_data(course_key="course-v1:edX+A+1", username="a" * 250)}
    assert len(key(long_data)) <= 255
    assert key(long_data) == key(long_data) != short
    assert key({"course_passing_status": None}) is None
