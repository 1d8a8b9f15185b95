"""Concurrent identical writes converge on one row (DESIGN.md §5.8): course certificate configurations and
the record share (credentials and grades: test_concurrency.py). Needs MySQL/MariaDB: SQLite serialises
writers, so the races cannot happen there."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from credentials.apps.credentials.models import CourseCertificate
from credentials.apps.records.models import ProgramCertRecord
from tests.factories import (
    CourseRunFactory,
    ProgramFactory,
    SiteConfigurationFactory,
    UserFactory,
    default_site,
)
from tests.jwt_helpers import service_worker_header

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mysql]

CLIENTS = 50


@pytest.fixture(autouse=True)
def _needs_mysql():
    if connection.vendor != "mysql":
        pytest.skip("the race needs MySQL/MariaDB")


def post_concurrently(bodies, url="/api/v2/credentials/"):
    """POST each body from its own thread and connection, all released at once; returns the statuses."""
    headers = service_worker_header()
    APIClient().get("/api/v2/", **headers)  # the worker's user row exists before the race
    return run_concurrently(
        [lambda body=body: APIClient().post(url, body, format="json", **headers).status_code for body in bodies]
    )


def run_concurrently(requests):
    """Call each function from its own thread and connection, all released at once; returns their results."""
    statuses, barrier = [None] * len(requests), threading.Barrier(len(requests))

    def send(index):
        try:
            barrier.wait()
            statuses[index] = requests[index]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_twenty_identical_course_certificate_pushes_create_one_configuration():
    site = SiteConfigurationFactory(site=default_site()).site
    run = CourseRunFactory(course__site=site)
    body = {
        "course_id": run.key,
        "certificate_type": "verified",
        "certificate_available_date": "2024-05-11T00:00:00Z",
        "is_active": True,
    }

    statuses = post_concurrently([body] * 20, url="/api/v2/course_certificates/")

    assert statuses == [201] * 20
    assert list(CourseCertificate.objects.values_list("course_id", "certificate_type", "course_run")) == [
        (run.key, "verified", run.pk)
    ]


def test_concurrent_pushes_of_two_types_for_one_run_answer_201_or_400_and_keep_one_configuration():
    site = SiteConfigurationFactory(site=default_site()).site
    run = CourseRunFactory(course__site=site)
    bodies = [
        {"course_id": run.key, "certificate_type": ("verified", "honor")[index % 2], "is_active": True}
        for index in range(20)
    ]

    statuses = post_concurrently(bodies, url="/api/v2/course_certificates/")

    assert set(statuses) <= {201, 400}, statuses
    stored = list(CourseCertificate.objects.values_list("certificate_type", flat=True))
    assert len(stored) == 1
    winner = stored[0]
    # The type that got the run got 201 every time; the other was refused every time.
    assert [status for body, status in zip(bodies, statuses, strict=True) if body["certificate_type"] == winner] == [
        201
    ] * 10
    assert [status for body, status in zip(bodies, statuses, strict=True) if body["certificate_type"] != winner] == [
        400
    ] * 10


def test_twenty_concurrent_shares_of_one_record_make_one_public_link():
    site = SiteConfigurationFactory(site=default_site(), records_enabled=True).site
    program = ProgramFactory(site=site)
    UserFactory(username="alice")
    staff = [UserFactory(username=f"staff{index}", is_staff=True) for index in range(20)]

    def share(user):
        client = Client()
        client.force_login(user)
        response = client.post(
            f"/records/programs/{program.uuid.hex}/share", {"username": "alice"}, content_type="application/json"
        )
        return response.status_code, response.json()["url"]

    answers = run_concurrently([lambda user=user: share(user) for user in staff])

    record = ProgramCertRecord.objects.get()
    assert sorted(status for status, _ in answers) == [200] * 19 + [201]
    assert {url for _, url in answers} == {f"http://testserver/records/programs/shared/{record.uuid.hex}/"}
