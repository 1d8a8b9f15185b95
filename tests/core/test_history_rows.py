"""History rows written straight from the saved instance (core/history.py) are the rows simple_history writes,
and simple_history's own path still runs whenever something listens to it."""

import datetime
from decimal import Decimal

import pytest
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from credentials.apps.core import compiled_writes
from credentials.apps.records.models import UserGrade
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
COMPARED = ["history_type", "history_date", "history_change_reason", "history_user_id", "letter_grade",
            "percent_grade", "verified", "lms_last_updated_at", "course_run_id"]  # fmt: skip


def grade_history(username, run, editor):
    grade = UserGrade.objects.create(username=username, course_run=run, percent_grade=Decimal("0.5"))
    grade.letter_grade, grade.lms_last_updated_at = "A", WHEN
    grade._history_user, grade._change_reason, grade._history_date = editor, "regraded", WHEN
    grade.save()
    rows = list(grade.history.order_by("history_id").values("username", *COMPARED))
    assert {row.pop("username") for row in rows} == {username}
    return rows


def test_a_history_row_is_the_row_simple_history_writes():
    run, editor = CourseRunFactory(), UserFactory()
    ours = grade_history("ada", run, editor)
    assert ("row", UserGrade.history.model) in {shape[:2] for shape in compiled_writes._statements}

    pre_create_historical_record.connect(_listener, sender=UserGrade.history.model)
    try:
        theirs = grade_history("bob", run, editor)
    finally:
        pre_create_historical_record.disconnect(_listener, sender=UserGrade.history.model)

    for rows in (ours, theirs):
        assert rows[0].pop("history_date") is not None  # the creation's row, dated when it was written
    assert ours == theirs
    assert ours[-1] == {
        "history_type": "~",
        "history_date": WHEN,
        "history_change_reason": "regraded",
        "history_user_id": editor.pk,
        "letter_grade": "A",
        "percent_grade": Decimal("0.5000"),
        "verified": True,
        "lms_last_updated_at": WHEN,
        "course_run_id": run.pk,
    }


def test_listeners_of_simple_historys_signals_are_still_called():
    seen = []

    def remember(sender, history_instance, **kwargs):
        seen.append((history_instance.history_type, history_instance.username))

    post_create_historical_record.connect(remember, sender=UserGrade.history.model)
    try:
        UserGrade.objects.create(username="ada", course_run=CourseRunFactory(), percent_grade=Decimal("0.5"))
    finally:
        post_create_historical_record.disconnect(remember, sender=UserGrade.history.model)

    assert seen == [("+", "ada")]


def _listener(**kwargs):
    pass
