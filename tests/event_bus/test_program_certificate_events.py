"""POST /api/v2/credentials/ for a program publishes PROGRAM_CERTIFICATE_AWARDED / _REVOKED through the outbox."""

import pytest
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.learning.signals import PROGRAM_CERTIFICATE_AWARDED, PROGRAM_CERTIFICATE_REVOKED

from credentials.apps.core.event_bus import outbox
from credentials.apps.core.models import OutboxEvent
from credentials.apps.credentials.models import UserCredential
from tests.event_bus.conftest import PROGRAM_CERTIFICATES
from tests.factories import CourseRunFactory, ProgramCertificateFactory, UserFactory
from tests.jwt_helpers import service_worker_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def program_certificate(site):
    return ProgramCertificateFactory(site=site, program__title="Data Science", program__type_slug="micromasters")


def issue(api_client, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v2/credentials/", body, format="json", **service_worker_header())
    assert response.status_code == 201, response.content
    return response.json()


def program_body(program_certificate, status="awarded", username="alice"):
    return {
        "username": username,
        "status": status,
        "credential": {"program_uuid": str(program_certificate.program_uuid)},
    }


def events(bus):
    found = []
    for _, fields in bus.client.xrange(bus.stream(PROGRAM_CERTIFICATES)):
        signal = {s.event_type: s for s in (PROGRAM_CERTIFICATE_AWARDED, PROGRAM_CERTIFICATE_REVOKED)}[
            fields[b"type"].decode()
        ]
        found.append((fields, deserialize_bytes_to_event_data(fields[b"event_data"], signal)["program_certificate"]))
    return found


def test_awarding_publishes_the_awarded_event_with_the_specified_data(
    bus, api_client, program_certificate, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", email="alice@example.com", full_name="Alice Liddell", lms_user_id=42)

    credential = issue(api_client, program_body(program_certificate), django_capture_on_commit_callbacks)

    [(fields, data)] = events(bus)
    assert fields[b"type"] == b"org.openedx.learning.program.certificate.awarded.v1"
    assert fields[b"source"] == b"openedx/credentials/web"
    row = UserCredential.objects.get(uuid=credential["uuid"])
    assert fields[b"time"].decode() == row.modified.isoformat()
    assert (data.user.id, data.user.is_active) == (42, True)
    assert (data.user.pii.username, data.user.pii.email, data.user.pii.name) == (
        "alice",
        "alice@example.com",
        "Alice Liddell",
    )
    assert (data.program.uuid, data.program.title, data.program.program_type) == (
        str(program_certificate.program_uuid),
        "Data Science",
        "micromasters",
    )
    assert data.uuid == credential["uuid"]
    assert data.status == "awarded"
    assert data.url == f"https://testserver/credentials/{row.uuid.hex}/"
    assert data.certificate_available_date is None


def test_revoking_publishes_the_revoked_event_and_each_issue_call_one_event(
    bus, api_client, program_certificate, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", lms_user_id=42)
    issue(api_client, program_body(program_certificate), django_capture_on_commit_callbacks)
    issue(api_client, program_body(program_certificate, "revoked"), django_capture_on_commit_callbacks)

    [awarded, revoked] = events(bus)
    assert awarded[0][b"type"].endswith(b"awarded.v1") and revoked[0][b"type"].endswith(b"revoked.v1")
    assert revoked[1].status == "revoked"
    assert awarded[0][b"id"] != revoked[0][b"id"]
    assert OutboxEvent.objects.filter(sent_at__isnull=False).count() == 2


def test_learner_without_lms_user_id_is_issued_without_an_event(
    bus, api_client, program_certificate, django_capture_on_commit_callbacks, caplog
):
    UserFactory(username="alice", lms_user_id=None)

    issue(api_client, program_body(program_certificate), django_capture_on_commit_callbacks)

    assert events(bus) == []
    assert "Not publishing org.openedx.learning.program.certificate.awarded.v1 for alice: no LMS user id" in caplog.text
    assert UserCredential.objects.filter(username="alice").exists()


def test_username_without_local_user_is_issued_without_an_event(
    bus, api_client, program_certificate, django_capture_on_commit_callbacks, caplog
):
    issue(api_client, program_body(program_certificate, username="ghost"), django_capture_on_commit_callbacks)

    assert events(bus) == []
    assert "No user found matching this username" in caplog.text


def test_broker_down_the_award_succeeds_and_the_event_is_relayed_later(
    bus, settings, api_client, program_certificate, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    UserFactory(username="alice", lms_user_id=42)
    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:1/15"

    credential = issue(api_client, program_body(program_certificate), django_capture_on_commit_callbacks)

    assert outbox.unsent_count() == 1
    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:6379/15"
    assert outbox.relay_once(now=timezone.now() + timedelta(minutes=5)) == (1, 0)
    [(_, data)] = events(bus)
    assert data.uuid == credential["uuid"]


def test_course_credentials_publish_no_program_event(bus, api_client, site, django_capture_on_commit_callbacks):
    UserFactory(username="alice", lms_user_id=42)
    run = CourseRunFactory(course__site=site)
    body = {"username": "alice", "credential": {"course_run_key": run.key, "mode": "verified"}}

    issue(api_client, body, django_capture_on_commit_callbacks)

    assert events(bus) == []
    assert not OutboxEvent.objects.exists()
