"""Producing through the transactional outbox: sent on commit, never lost to a broker outage, sent once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.learning.data import ProgramCertificateData, ProgramData, UserData, UserPersonalData
from openedx_events.learning.signals import PROGRAM_CERTIFICATE_AWARDED

from credentials.apps.core import api as core_api
from credentials.apps.core.event_bus import outbox
from credentials.apps.core.models import OutboxEvent
from tests.event_bus.conftest import PROGRAM_CERTIFICATES

pytestmark = pytest.mark.django_db

KEY_FIELD = "program_certificate.program.uuid"


def program_certificate(username="alice"):
    return ProgramCertificateData(
        user=UserData(id=42, is_active=True, pii=UserPersonalData(username=username, email="a@example.com", name="A")),
        program=ProgramData(uuid="6e7c8c69-1b29-4e3d-9c3f-62dd7e1f7f8e", title="Data", program_type="micromasters"),
        uuid="0d1c2b3a-0000-4000-8000-000000000001",
        status="awarded",
        url="https://credentials.example.com/credentials/0d1c2b3a000040008000000000000001/",
    )


def stream_entries(bus):
    return bus.client.xrange(bus.stream(PROGRAM_CERTIFICATES))


def test_published_on_commit_with_upstreams_entry_format(bus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        metadata = core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())
        assert stream_entries(bus) == []  # nothing on the bus before the change commits

    [(_, fields)] = stream_entries(bus)
    assert list(fields) == [
        b"type",
        b"id",
        b"source",
        b"time",
        b"minorversion",
        b"sourcehost",
        b"sourcelib",
        b"event_data",
    ]
    assert fields[b"type"] == b"org.openedx.learning.program.certificate.awarded.v1"
    assert fields[b"id"] == str(metadata.id).encode()
    assert fields[b"source"] == b"openedx/credentials/web"
    data = deserialize_bytes_to_event_data(fields[b"event_data"], PROGRAM_CERTIFICATE_AWARDED)
    assert data["program_certificate"] == program_certificate()
    row = OutboxEvent.objects.get()
    assert row.sent_at is not None and row.stream_id
    assert row.event_key_field == KEY_FIELD


def test_a_rolled_back_change_publishes_nothing(bus, django_capture_on_commit_callbacks):
    def change_that_fails():
        with transaction.atomic():
            core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()

    assert stream_entries(bus) == []
    assert not OutboxEvent.objects.exists()


def test_broker_down_at_commit_delays_the_event_and_the_relay_sends_it_once(
    bus, settings, django_capture_on_commit_callbacks
):
    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:1/15"  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        metadata = core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())
    row = OutboxEvent.objects.get()
    assert row.sent_at is None and row.attempts == 1 and "Connection" in row.last_error
    assert outbox.relay_once() == (0, 0)  # backing off

    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:6379/15"  # the broker is back
    later = timezone.now() + timedelta(minutes=10)
    assert outbox.relay_once(now=later) == (1, 0)
    assert outbox.relay_once(now=later) == (0, 0)  # once per change

    [(_, fields)] = stream_entries(bus)
    assert fields[b"id"] == str(metadata.id).encode()
    assert OutboxEvent.objects.get().sent_at is not None


def test_relay_command_sends_rows_left_unsent(bus, settings, django_capture_on_commit_callbacks):
    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:1/15"
    with django_capture_on_commit_callbacks(execute=True):
        core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate("a"))
        core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate("b"))
    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:6379/15"
    OutboxEvent.objects.update(next_attempt_at=None, created=timezone.now() - timedelta(minutes=1))

    call_command("relay_event_outbox", "--once")

    usernames = [
        deserialize_bytes_to_event_data(fields[b"event_data"], PROGRAM_CERTIFICATE_AWARDED)[
            "program_certificate"
        ].user.pii.username
        for _, fields in stream_entries(bus)
    ]
    assert usernames == ["a", "b"]
    assert outbox.unsent_count() == 0


def test_a_topic_switched_off_publishes_nothing(bus, settings, django_capture_on_commit_callbacks):
    settings.EVENT_BUS_PRODUCER_CONFIG = {
        PROGRAM_CERTIFICATE_AWARDED.event_type: {PROGRAM_CERTIFICATES: {"event_key_field": KEY_FIELD, "enabled": False}}
    }
    with django_capture_on_commit_callbacks(execute=True):
        core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())

    assert stream_entries(bus) == []
    assert not OutboxEvent.objects.exists()


def test_no_producer_configured_publishes_nothing(bus, settings, django_capture_on_commit_callbacks):
    settings.EVENT_BUS_PRODUCER = None
    with django_capture_on_commit_callbacks(execute=True):
        core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())

    assert stream_entries(bus) == []
    assert not OutboxEvent.objects.exists()


def test_upstreams_producer_setting_gets_the_outbox_too(bus, settings, django_capture_on_commit_callbacks):
    settings.EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
    settings.EVENT_BUS_REDIS_CONNECTION_URL = "redis://127.0.0.1:1/15"
    with django_capture_on_commit_callbacks(execute=True):
        core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())

    assert OutboxEvent.objects.get().sent_at is None  # kept for the relay, not dropped as upstream would


def test_the_program_event_decodes_with_upstreams_consumer_classes(bus, django_capture_on_commit_callbacks):
    from edx_event_bus_redis.internal.message import RedisMessage

    with django_capture_on_commit_callbacks(execute=True):
        metadata = core_api.publish_event(PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate())

    [entry] = stream_entries(bus)
    message = RedisMessage.parse(entry, bus.stream(PROGRAM_CERTIFICATES))
    assert message.event_metadata == metadata
