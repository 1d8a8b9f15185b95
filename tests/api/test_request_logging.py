"""The waffle switch api.log_incoming_requests (spec/integration.md §6.9): API writes logged with their body,
secrets redacted; nothing logged while it is off."""

import logging

import pytest
from waffle.models import Switch
from waffle.testutils import override_switch

from credentials.apps.api import request_logging
from tests.factories import CourseRunFactory

pytestmark = pytest.mark.django_db

LOGGER = "credentials.api.incoming"


def incoming_lines(caplog):
    return [record.getMessage() for record in caplog.records if record.name == LOGGER]


@pytest.fixture
def run(site):
    return CourseRunFactory(course__site=site, key="course-v1:Log+Grades+2024")


def test_with_the_switch_on_a_form_encoded_grade_is_logged_with_its_body(api_client, lms, run, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    body = {"username": "carol", "course_run": run.key, "percent_grade": "0.91", "letter_grade": "A"}

    with override_switch("api.log_incoming_requests", active=True):
        response = api_client.post("/api/v2/grades/", body, HTTP_HOST="testserver", **lms)

    assert response.status_code == 201
    assert incoming_lines(caplog) == [
        'Incoming POST /api/v2/grades/ by lms_worker on testserver: {"course_run": "course-v1:Log+Grades+2024", '
        '"letter_grade": "A", "percent_grade": "0.91", "username": "carol"}'
    ]


def test_secrets_and_tokens_in_a_body_are_redacted(api_client, lms, run, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    token = lms["HTTP_AUTHORIZATION"].split()[1]
    body = {
        "username": "carol",
        "course_run": run.key,
        "percent_grade": "0.91",
        "password": "hunter2",
        "nested": {"access_token": "abc123", "note": f"sent with {token}"},
    }

    with override_switch("api.log_incoming_requests", active=True):
        api_client.post("/api/v2/grades/", body, format="json", **lms)

    [line] = incoming_lines(caplog)
    assert '"password": "[redacted]"' in line
    assert '"access_token": "[redacted]"' in line
    assert '"note": "sent with [redacted]"' in line
    assert "hunter2" not in line and "abc123" not in line and token not in line
    assert '"username": "carol"' in line


def test_every_v2_write_is_logged_but_reads_are_not(api_client, lms, run, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    configuration = {"course_id": run.key, "certificate_type": "verified", "is_active": True}

    with override_switch("api.log_incoming_requests", active=True):
        api_client.post("/api/v2/course_certificates/", configuration, format="json", **lms)
        api_client.patch(f"/api/v2/course_certificates/{run.key}/", {"is_active": False}, format="json", **lms)
        api_client.get(f"/api/v2/course_certificates/{run.key}/", **lms)

    assert [line.split(" by ")[0] for line in incoming_lines(caplog)] == [
        "Incoming POST /api/v2/course_certificates/",
        f"Incoming PATCH /api/v2/course_certificates/{run.key}/",
    ]


def test_an_unparseable_body_is_logged_and_still_a_400(api_client, lms, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    with override_switch("api.log_incoming_requests", active=True):
        response = api_client.post("/api/v2/grades/", "{not json", content_type="application/json", **lms)

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert incoming_lines(caplog) == ["Incoming POST /api/v2/grades/ by lms_worker on testserver: <unparseable body>"]


def test_with_the_switch_off_nothing_is_logged(api_client, lms, run, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    response = api_client.post(
        "/api/v2/grades/", {"username": "carol", "course_run": run.key, "percent_grade": "0.5"}, **lms
    )

    assert response.status_code == 201
    assert incoming_lines(caplog) == []


def test_a_switch_turned_on_by_another_worker_applies_here_within_the_memo_seconds(
    api_client, lms, run, caplog, monkeypatch
):
    caplog.set_level(logging.INFO, logger=LOGGER)
    clock = [1000.0]
    monkeypatch.setattr(request_logging.time, "monotonic", lambda: clock[0])
    body = {"username": "carol", "course_run": run.key, "percent_grade": "0.5"}
    switch = Switch.objects.create(name="api.log_incoming_requests", active=False)
    api_client.post("/api/v2/grades/", body, **lms)  # this worker reads the switch: off
    # Another worker turns it on: the row and waffle's shared cache change, this process's memo does not.
    Switch.objects.filter(pk=switch.pk).update(active=True)
    switch.flush()

    clock[0] += request_logging.SWITCH_MEMO_SECONDS - 1
    api_client.post("/api/v2/grades/", body, **lms)
    assert incoming_lines(caplog) == []

    clock[0] += 1
    api_client.post("/api/v2/grades/", body, **lms)
    assert len(incoming_lines(caplog)) == 1
