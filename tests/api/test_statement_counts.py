"""Statements per write and list request as MariaDB counts them (issue 20): the session's `Questions` on the
request's own connection, so BEGIN, COMMIT, SET autocommit and savepoints count, not only what Django's query
log shows. Real transactions (transactional_db), caches warmed by one earlier request as in production."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from bench.statements import questions
from credentials.apps.credentials.models import UserCredential
from credentials.apps.records.models import UserGrade
from tests.factories import CourseRunFactory, ProgramCertificateFactory, SiteConfigurationFactory, default_site
from tests.jwt_helpers import service_worker_header

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mysql]

VISIBLE_DATE = [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}]


@pytest.fixture(autouse=True)
def _needs_mysql():
    if connection.vendor != "mysql":
        pytest.skip("counts MariaDB's Questions")


@pytest.fixture
def site():
    site = default_site()
    site.domain = site.name = "testserver"
    site.save()
    SiteConfigurationFactory(site=site)
    return site


def counted(send):
    """(response, statements the request sent on this connection)."""
    connection.ensure_connection()
    before = questions(connection)
    response = send()
    return response, questions(connection) - before - 1  # - 1: the second SHOW STATUS itself


def test_issuing_to_new_learners_takes_at_most_seven_statements(site):
    run = CourseRunFactory(course__site=site)
    client, headers = APIClient(), service_worker_header()

    def issue(username):
        body = {"username": username, "credential": {"course_run_key": run.key, "mode": "verified"}}
        return client.post("/api/v2/credentials/", {**body, "attributes": VISIBLE_DATE}, format="json", **headers)

    assert issue("warm_up").status_code == 201
    response, statements = counted(lambda: issue("new_learner"))

    assert response.status_code == 201
    assert response.json()["attributes"] == VISIBLE_DATE
    assert UserCredential.objects.filter(username="new_learner").count() == 1
    assert statements <= 7


def test_reissuing_a_program_credential_takes_at_most_five_statements(site):
    configuration = ProgramCertificateFactory(site=site)
    client, headers = APIClient(), service_worker_header()
    body = {"username": "alice", "credential": {"program_uuid": str(configuration.program_uuid)}}

    def issue():
        return client.post("/api/v2/credentials/", {**body, "attributes": VISIBLE_DATE}, format="json", **headers)

    first = issue()
    assert first.status_code == 201
    response, statements = counted(issue)

    assert response.status_code == 201
    assert response.json() == first.json()  # same credential, unchanged
    assert statements <= 5


def test_a_grade_upsert_takes_at_most_five_statements(site):
    run = CourseRunFactory(course__site=site)
    client, headers = APIClient(), service_worker_header()

    def post(percent):
        body = {"username": "alice", "course_run": run.key, "letter_grade": "A", "percent_grade": percent}
        return client.post("/api/v2/grades/", {**body, "verified": True}, format="json", **headers)

    assert post(0.8).status_code == 201
    response, statements = counted(lambda: post(0.9))

    assert response.status_code == 201
    assert response.json()["percent_grade"] == "0.9000"
    assert str(UserGrade.objects.get().percent_grade) == "0.9000"
    assert statements <= 5


def test_listing_a_learners_credentials_takes_at_most_four_statements(site):
    configuration = ProgramCertificateFactory(site=site)
    client, headers = APIClient(), service_worker_header()
    body = {"username": "alice", "credential": {"program_uuid": str(configuration.program_uuid)}}
    assert client.post("/api/v2/credentials/", body, format="json", **headers).status_code == 201

    def list_credentials():
        return client.get("/api/v2/credentials/?username=alice", **headers)

    assert list_credentials().status_code == 200
    response, statements = counted(list_credentials)

    assert response.status_code == 200
    assert [result["username"] for result in response.json()["results"]] == ["alice"]
    assert statements <= 4
