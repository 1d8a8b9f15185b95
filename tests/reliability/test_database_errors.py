"""Only a lost database connection is an outage (503); a deadlock or lock wait is a conflict (retried where
the write is idempotent, else 409) and an invalid regex in an admin lookup is a form error (issue 14)."""

import logging
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections, transaction

from credentials.apps.core import api as core_api
from credentials.apps.core import db_errors
from credentials.apps.core.models import User
from tests.factories import UserFactory
from tests.jwt_helpers import auth_header, make_token

CREDENTIALS = "/api/v2/credentials/"


def failing_database(*args):
    return mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError(*args))


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        ((2003, "Can't connect to MySQL server on 'db' (111)"), db_errors.OUTAGE),
        ((2006, "MySQL server has gone away"), db_errors.OUTAGE),
        ((2013, "Lost connection to server during query"), db_errors.OUTAGE),
        ((1213, "Deadlock found when trying to get lock; try restarting transaction"), db_errors.CONFLICT),
        ((1205, "Lock wait timeout exceeded; try restarting transaction"), db_errors.CONFLICT),
        ((1139, "Got error 'missing )' from regexp"), db_errors.BAD_PATTERN),
        (("database is locked",), db_errors.CONFLICT),
        (("user-defined function raised exception",), db_errors.BAD_PATTERN),
        (("unable to open database file",), db_errors.OUTAGE),
        ((1054, "Unknown column 'x' in 'field list'"), db_errors.OTHER),
    ],
)
def test_errors_are_told_apart(args, kind):
    assert db_errors.classify(OperationalError(*args)) == kind


@pytest.mark.django_db
def test_a_deadlock_is_a_409_with_a_clear_message_not_an_outage(api_client, site, caplog):
    with failing_database(1213, "Deadlock found when trying to get lock"), caplog.at_level(logging.INFO):
        response = api_client.get(CREDENTIALS, {"username": "alice"}, **auth_header(make_token("alice")))

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Another request was changing the same data")
    assert "Retry-After" not in response
    assert not [r for r in caplog.records if r.name == "credentials.outage" and r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_a_lost_connection_is_still_a_503(api_client, site):
    with failing_database(2013, "Lost connection to server during query"):
        response = api_client.get(CREDENTIALS, {"username": "alice"}, **auth_header(make_token("alice")))

    assert response.status_code == 503
    assert response["Retry-After"] == "10"


@pytest.mark.django_db
def test_another_operational_error_is_a_500_bug_not_an_outage(client, site):
    client.raise_request_exception = False
    with failing_database(1054, "Unknown column"):
        response = client.get(CREDENTIALS, {"username": "alice"}, **auth_header(make_token("alice")))

    assert response.status_code == 500


@pytest.mark.mysql
@pytest.mark.django_db
def test_an_invalid_regex_in_an_admin_lookup_is_a_message_on_the_list(client, site):
    """Django's admin accepts ``field__regex`` in the query string; MySQL answers error 1139, SQLite raises in
    its REGEXP function. Either way the list comes back without the filter and says why."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/core/user/?username__regex=(&is_staff__exact=1")

    assert response.status_code == 302
    assert response["Location"] == "/admin/core/user/?is_staff__exact=1"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Invalid regular expression in the filter (username__regex=()" in page.content.decode()


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_a_real_lock_wait_on_a_write_that_is_not_retried_is_a_409(api_client, site):
    """Another transaction holds alice's row; the JWT's new e-mail cannot be written within the lock wait."""
    if connection.vendor != "mysql":
        pytest.skip("a row lock with a lock wait timeout needs MySQL/MariaDB")
    UserFactory(username="alice", email="old@example.com")
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                list(User.objects.select_for_update().filter(username="alice"))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
        response = api_client.get(
            CREDENTIALS, {"username": "alice"}, **auth_header(make_token("alice", email="new@example.com"))
        )
    finally:
        release.set()
        holder.join()

    assert response.status_code == 409
    assert "nothing was saved" in response.json()["detail"]
    assert User.objects.get(username="alice").email == "old@example.com"


class RowHolder:
    """Another transaction holding a row lock for ``seconds`` (longer than one lock wait, shorter than two)."""

    def __init__(self, queryset, seconds):
        self.queryset, self.seconds, self.locked = queryset, seconds, threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        import time

        try:
            with transaction.atomic():
                list(self.queryset.select_for_update())
                self.locked.set()
                time.sleep(self.seconds)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
        return self

    def __exit__(self, *exc):
        self.thread.join()


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_a_grade_post_meeting_a_lock_wait_is_retried_and_saved(api_client):
    """The grade upsert is idempotent, so a lock wait (or deadlock) runs it again instead of failing."""
    if connection.vendor != "mysql":
        pytest.skip("a row lock with a lock wait timeout needs MySQL/MariaDB")
    from credentials.apps.records.models import UserGrade
    from tests.factories import CourseRunFactory, SiteConfigurationFactory, UserGradeFactory, default_site
    from tests.jwt_helpers import service_worker_header

    site = SiteConfigurationFactory(site=default_site()).site
    run = CourseRunFactory(course__site=site)
    UserGradeFactory(username="alice", course_run=run, letter_grade="B", percent_grade="0.6")
    headers = service_worker_header()
    api_client.get("/api/v2/", **headers)
    body = {"username": "alice", "course_run": run.key, "letter_grade": "A", "percent_grade": 0.9, "verified": True}

    with RowHolder(UserGrade.objects.filter(username="alice"), seconds=1.5):
        response = api_client.post("/api/v2/grades/", body, format="json", **headers)

    assert response.status_code in (200, 201), response.content
    assert UserGrade.objects.get(username="alice").letter_grade == "A"


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_a_write_is_run_again_after_a_real_lock_wait(site):
    if connection.vendor != "mysql":
        pytest.skip("a row lock with a lock wait timeout needs MySQL/MariaDB")
    UserFactory(username="alice", email="old@example.com")
    locked, attempts = threading.Event(), []

    def hold_the_row_briefly():
        try:
            with transaction.atomic():
                list(User.objects.select_for_update().filter(username="alice"))
                locked.set()
                import time

                time.sleep(1.5)  # longer than one lock wait, shorter than two
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_row_briefly)
    holder.start()
    assert locked.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")

    def write():
        attempts.append(1)
        return User.objects.filter(username="alice").update(email="new@example.com")

    try:
        assert core_api.run_with_retries(write, attempts=3) == 1
    finally:
        holder.join()

    assert len(attempts) >= 2
    assert User.objects.get(username="alice").email == "new@example.com"
