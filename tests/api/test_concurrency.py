"""Concurrent identical POSTs converge on one row (DESIGN.md §5.8). Needs MySQL/MariaDB: SQLite
serialises writers, so the races cannot happen there."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from credentials.apps.credentials.models import UserCredential, UserCredentialAttribute
from tests.factories import CourseRunFactory, ProgramCertificateFactory, SiteConfigurationFactory, default_site
from tests.jwt_helpers import service_worker_header

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mysql]

CLIENTS = 50


@pytest.fixture(autouse=True)
def _needs_mysql():
    if connection.vendor != "mysql":
        pytest.skip("the race needs MySQL/MariaDB")


def post_concurrently(bodies):
    """POST each body from its own thread and connection, all released at once; returns the statuses."""
    headers = service_worker_header()
    APIClient().get("/api/v2/", **headers)  # the worker's user row exists before the race
    statuses, barrier = [None] * len(bodies), threading.Barrier(len(bodies))

    def send(index):
        try:
            barrier.wait()
            statuses[index] = (
                APIClient().post("/api/v2/credentials/", bodies[index], format="json", **headers).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_fifty_identical_program_awards_create_one_credential_and_no_duplicate_attributes():
    site = SiteConfigurationFactory(site=default_site()).site
    configuration = ProgramCertificateFactory(site=site)
    body = {
        "username": "alice",
        "credential": {"program_uuid": str(configuration.program_uuid)},
        "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}, {"name": "reason", "value": "x"}],
    }

    statuses = post_concurrently([body] * CLIENTS)

    assert statuses == [201] * CLIENTS
    assert UserCredential.objects.count() == 1
    assert UserCredentialAttribute.objects.count() == 2


def test_fifty_course_awards_for_new_learners_all_succeed_with_one_configuration():
    site = SiteConfigurationFactory(site=default_site()).site
    run = CourseRunFactory(course__site=site)
    bodies = [
        {"username": f"learner{index}", "credential": {"course_run_key": run.key, "mode": "verified"}}
        for index in range(CLIENTS)
    ]

    statuses = post_concurrently(bodies)

    assert statuses == [201] * CLIENTS
    assert UserCredential.objects.count() == CLIENTS
    assert len(set(UserCredential.objects.values_list("credential_id", flat=True))) == 1
