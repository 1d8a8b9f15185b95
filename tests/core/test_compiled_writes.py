"""core/compiled_writes.py: save() of a CompiledWritesModel (credentials, grades, every history row) sends the
statements Django's own path sends and leaves the same rows, with its SQL compiled once per shape."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials.apps.badges.models import LocalBadge
from credentials.apps.core import compiled_writes
from credentials.apps.credentials.models import UserCredential
from credentials.apps.records.models import UserGrade
from tests.factories import CourseRunFactory

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)


@pytest.fixture
def django_path(monkeypatch):
    """Every shape refused, so save() takes Django's own path: the reference to compare with."""

    def use_django(**_):
        monkeypatch.setattr(compiled_writes, "_statements", _RefuseAll())

    return use_django


class _RefuseAll(dict):
    def get(self, shape):
        return compiled_writes._NOT_COMPILED


def save_a_grade_twice(run, username):
    """An insert, an update with a NULL, an update with every value set: what was sent and what is stored."""
    with CaptureQueriesContext(connection) as sent:
        grade = UserGrade(username=username, course_run=run, letter_grade="B", percent_grade=Decimal("0.8"))
        grade.save()
        grade.lms_last_updated_at = None
        grade.letter_grade = ""
        grade.save()
        grade.lms_last_updated_at = WHEN
        grade.percent_grade = Decimal("0.9100")
        grade.save()
    stored = UserGrade.objects.values("username", "letter_grade", "percent_grade", "verified", "lms_last_updated_at")
    history = grade.history.order_by("history_id").values_list("history_type", "letter_grade", "lms_last_updated_at")
    statements = [query["sql"].replace(username, "<name>") for query in sent.captured_queries]
    return grade, stored.get(pk=grade.pk), list(history), statements


def masked(statement):
    """The SQL with what differs between two learners' saves masked: the times and the grade's id. A history
    row is written without asking for its new id back (nothing reads it): that clause is left out too."""
    statement = re.sub(r" RETURNING \S*history_id\S*$", "", statement)
    statement = re.sub(r"'\d{4}-\d\d-\d\d[ T][\d:.]+(\+00:00)?'", "<time>", statement)
    statement = re.sub(r"VALUES \(\d+, ", "VALUES (<id>, ", statement)
    return re.sub(r"([\"`])id\1 = \d+", "id = <id>", statement)


def test_the_same_statements_and_rows_as_djangos_own_path(django_path):
    run = CourseRunFactory()
    compiled = save_a_grade_twice(run, "ada")
    django_path()
    reference = save_a_grade_twice(run, "bob")

    grade, stored, history, statements = compiled
    assert stored == {**reference[1], "username": "ada"}
    assert history == reference[2] == [("+", "B", None), ("~", "", None), ("~", "", WHEN)]
    assert [masked(s) for s in statements] == [masked(s) for s in reference[3]]
    assert grade.pk is not None and grade.history.count() == 3
    assert UserGrade.objects.get(pk=grade.pk).percent_grade == Decimal("0.9100")


def test_each_shape_is_compiled_once():
    run = CourseRunFactory()
    save_a_grade_twice(run, "ada")
    shapes = dict(compiled_writes._statements)

    save_a_grade_twice(run, "bob")

    assert compiled_writes._statements == shapes
    compiled = {shape[:2] for shape, statement in shapes.items() if statement is not compiled_writes._NOT_COMPILED}
    assert {("insert", UserGrade), ("update", UserGrade), ("row", UserGrade.history.model)} <= compiled


def test_saving_a_row_deleted_meanwhile_inserts_it_again_as_django_does():
    grade = UserGrade.objects.create(username="ada", course_run=CourseRunFactory(), percent_grade=Decimal("0.5"))
    UserGrade.objects.filter(pk=grade.pk).delete()

    grade.save()  # the compiled UPDATE matches no row, so save() inserts

    assert UserGrade.objects.filter(pk=grade.pk, username="ada").exists()


def test_a_multi_table_child_writes_each_of_its_tables():
    """A badge is a UserCredential row plus its own row: each table gets its own statement."""
    content_type = ContentType.objects.get_for_model(UserGrade)
    badge = LocalBadge.objects.create(username="ada", credential_content_type=content_type, credential_id=7)

    badge.status, badge.state, badge.credential_json = "revoked", "issued", {"type": ["VerifiableCredential"]}
    badge.save()

    stored = LocalBadge.objects.get(pk=badge.pk)
    assert (stored.username, stored.status, stored.state) == ("ada", "revoked", "issued")
    assert stored.credential_json == {"type": ["VerifiableCredential"]}
    assert UserCredential.objects.get(pk=badge.pk).status == "revoked"
