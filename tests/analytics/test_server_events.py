"""Segment events sent by the server (spec/models.md §4.2 step 5, spec/pages.md §5.7), read at a local fake
of Segment's API: on a program certificate issue and on a shared record's CSV download; none without a key;
sent after the commit; a failing Segment never fails the request."""

import logging

import pytest
from django.db import transaction

from credentials.apps.core import api as core_api
from credentials.apps.core.models import User
from credentials.apps.credentials import api as credentials_api
from tests.factories import ProgramCertificateFactory, ProgramCertRecordFactory, UserFactory
from tests.jwt_helpers import service_worker_header

pytestmark = pytest.mark.django_db

ISSUE_URL = "/api/v2/credentials/"
CREATED = "edx.bi.credentials.credential_issuers.program_certificate_created"
UPDATED = "edx.bi.credentials.credential_issuers.program_certificate_updated"


@pytest.fixture
def program_certificate(site):
    return ProgramCertificateFactory(
        site=site, program__title="Data Science", program__type_slug="professional-certificate"
    )


def issue(api_client, program_certificate, capture, status="awarded"):
    body = {
        "username": "alice",
        "lms_user_id": 42,
        "status": status,
        "credential": {"type": "program", "program_uuid": str(program_certificate.program_uuid)},
        "attributes": [],
    }
    with capture(execute=True):
        response = api_client.post(ISSUE_URL, body, format="json", **service_worker_header())
    core_api.flush_analytics()
    return response


def test_a_program_issue_and_reissue_are_sent_with_their_properties(
    api_client, site, segment, segment_key, program_certificate, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", lms_user_id=42)

    first = issue(api_client, program_certificate, django_capture_on_commit_callbacks)
    again = issue(api_client, program_certificate, django_capture_on_commit_callbacks, status="revoked")

    assert (first.status_code, again.status_code) == (201, 201)
    assert [key for key, _, _ in segment.batches] == ["write-key-123"] * len(segment.batches)
    assert {path for _, path, _ in segment.batches} == {"/v1/batch"}
    created, updated = segment.events
    uuid = first.json()["uuid"]
    assert (created["type"], created["event"], created["userId"]) == ("track", CREATED, "42")
    assert created["properties"] == {
        "category": "credentials",
        "user": {"username": "alice", "lms_user_id": 42},
        "program": {
            "uuid": str(program_certificate.program.uuid),
            "title": "Data Science",
            "program_type": "professional-certificate",
        },
        "uuid": uuid,
        "status": "awarded",
        "url": f"https://testserver/credentials/{uuid.replace('-', '')}/",
        "timestamp": created["properties"]["timestamp"],
    }
    assert created["timestamp"][:19] == created["properties"]["timestamp"][:19]
    assert (updated["event"], updated["properties"]["status"]) == (UPDATED, "revoked")


def test_nothing_is_sent_without_a_key_or_without_a_user(
    api_client, site, segment, program_certificate, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", lms_user_id=42)
    assert issue(api_client, program_certificate, django_capture_on_commit_callbacks).status_code == 201

    site.siteconfiguration.segment_key = "write-key-123"
    site.siteconfiguration.save()
    core_api.clear_site_cache()
    User.objects.filter(username="alice").delete()
    assert issue(api_client, program_certificate, django_capture_on_commit_callbacks).status_code == 201

    assert segment.batches == []


def test_an_issue_rolled_back_sends_nothing(
    site, segment, segment_key, program_certificate, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", lms_user_id=42)
    UserFactory(username="bob", lms_user_id=43)

    def issue_then_fail():
        with transaction.atomic():
            credentials_api.issue_credential(site=site, username="alice", configuration=program_certificate)
            raise RuntimeError("the caller's transaction fails after the issue")

    with django_capture_on_commit_callbacks(execute=True):
        pytest.raises(RuntimeError, issue_then_fail)
        credentials_api.issue_credential(site=site, username="bob", configuration=program_certificate)
    core_api.flush_analytics()

    assert [event["properties"]["user"]["username"] for event in segment.events] == ["bob"]


def test_events_wait_for_the_commit(
    api_client, site, segment, segment_key, program_certificate, django_capture_on_commit_callbacks
):
    UserFactory(username="alice", lms_user_id=42)
    body = {
        "username": "alice",
        "credential": {"type": "program", "program_uuid": str(program_certificate.program_uuid)},
    }

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert api_client.post(ISSUE_URL, body, format="json", **service_worker_header()).status_code == 201
    core_api.flush_analytics()
    assert segment.batches == []  # the test's transaction has not committed

    with django_capture_on_commit_callbacks(execute=True):  # the commit: its callbacks and theirs run
        for callback in callbacks:
            callback()
    core_api.flush_analytics()
    assert [event["event"] for event in segment.events] == [CREATED]


def test_a_failing_segment_never_fails_the_issue_and_is_logged(
    api_client, site, segment, segment_key, program_certificate, django_capture_on_commit_callbacks, caplog
):
    UserFactory(username="alice", lms_user_id=42)
    segment.status = 500

    with caplog.at_level(logging.WARNING):
        response = issue(api_client, program_certificate, django_capture_on_commit_callbacks)

    assert response.status_code == 201
    assert len(segment.batches) == 1  # tried once (SEGMENT_MAX_RETRIES=0), then given up
    assert "Segment did not take 1 event(s)" in caplog.text


def test_an_unreachable_segment_never_fails_the_issue(
    api_client, site, segment, segment_key, program_certificate, django_capture_on_commit_callbacks, settings
):
    UserFactory(username="alice", lms_user_id=42)
    segment.close()
    settings.SEGMENT_HOST = segment.url  # nothing listens there any more

    assert issue(api_client, program_certificate, django_capture_on_commit_callbacks).status_code == 201


# --- The CSV download (spec/pages.md §5.7) ------------------------------------------------------------------


@pytest.fixture
def shared_record(site, program_certificate):
    return ProgramCertRecordFactory(user=UserFactory(username="alice"), program=program_certificate.program)


@pytest.fixture
def download(django_capture_on_commit_callbacks):
    """GET the shared record's CSV as a server would serve it: in autocommit, so events go out at once."""

    def get(client, shared_record, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(f"/records/programs/shared/{shared_record.uuid.hex}/csv", **headers)
        core_api.flush_analytics()
        return response

    return get


def test_a_csv_download_sends_started_and_finished_with_the_visitors_id(
    client, segment, segment_key, shared_record, download
):
    client.cookies["ajs_anonymous_id"] = '"visitor-7"'

    response = download(
        client, shared_record, HTTP_REFERER="https://testserver/records/", HTTP_USER_AGENT="Firefox/140"
    )

    assert response.status_code == 200
    started, finished = segment.events
    assert [started["event"], finished["event"]] == [
        "edx.bi.credentials.program_record.download_started",
        "edx.bi.credentials.program_record.download_finished",
    ]
    for event in (started, finished):
        assert event["userId"] == "visitor-7"
        assert event["properties"] == {
            "category": "records",
            "program_uuid": shared_record.program.uuid.hex,
            "record_uuid": shared_record.uuid.hex,
        }
        assert event["context"]["page"] == {
            "path": f"/records/programs/shared/{shared_record.uuid.hex}/csv",
            "referrer": "https://testserver/records/",
            "url": f"http://testserver/records/programs/shared/{shared_record.uuid.hex}/csv",
        }
        assert event["context"]["userAgent"] == "Firefox/140"


def test_a_csv_download_without_the_cookie_uses_one_new_id_for_both_events(
    client, segment, segment_key, shared_record, download
):
    download(client, shared_record)

    started, finished = segment.events
    assert started["userId"] == finished["userId"]
    assert len(started["userId"]) == 36


def test_a_csv_download_sends_nothing_without_a_key(client, segment, site, shared_record, download):
    assert download(client, shared_record).status_code == 200
    assert segment.batches == []


def test_a_failing_segment_never_fails_the_download(client, segment, segment_key, shared_record, download):
    segment.status = 400

    response = download(client, shared_record)

    assert response.status_code == 200
    assert response.content.startswith(b'"Program Name"')
