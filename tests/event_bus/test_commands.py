"""The operator's commands: consume_events exit codes, event_bus_status."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.event_bus.conftest import CERTIFICATES, GROUP

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("extra", "message"),
    [("{not json", "--extra is not valid JSON"), ('{"no_such_option": 1}', "no_such_option"), ("[1]", "JSON object")],
)
def test_misconfiguration_exits_two_with_a_message(bus, extra, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("consume_events", "-t", CERTIFICATES, "-g", GROUP, "--extra", extra)
    assert error.value.returncode == 2


def test_a_producer_class_that_cannot_load_exits_two(bus, settings):
    settings.EVENT_BUS_CONSUMER = "no.such.Consumer"
    with pytest.raises(CommandError, match="Cannot consume events") as error:
        call_command("consume_events", "-t", CERTIFICATES, "-g", GROUP)
    assert error.value.returncode == 2


def test_consumers_switched_off_return_at_once(bus, settings, caplog):
    settings.EVENT_BUS_REDIS_CONSUMERS_ENABLED = False
    call_command("consume_events", "-t", CERTIFICATES, "-g", GROUP)
    assert "Redis consumers not enabled, exiting." in caplog.text


def test_event_bus_status_shows_lag_pending_and_dead_letters(bus, fake_lms, site):
    bus.consume(consumer_name="worker-1")
    fake_lms.publish("certificate-created", username="alice", course_key="course-v1:edX+Nowhere+2024")
    assert bus.consume(consumer_name="worker-1") == {"dead": 1}
    for index in range(5):
        fake_lms.publish("certificate-created", username=f"l{index}", course_key="course-v1:edX+DemoX+2024")
    bus.client.xreadgroup(GROUP, "worker-2", {bus.stream(CERTIFICATES): ">"}, count=2)
    out = io.StringIO()

    call_command("event_bus_status", "-t", CERTIFICATES, stdout=out)

    assert f"{bus.stream(CERTIFICATES)}: 6 entries" in out.getvalue()
    assert f"group {GROUP}: lag=3 pending=2" in out.getvalue()
    assert "dead_letters=1 consumers=2" in out.getvalue()
    assert "outbox: 0 unsent" in out.getvalue()
