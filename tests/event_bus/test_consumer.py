"""At-least-once consumption on the real Redis: retries, dead letters, downtime, pending recovery."""

import threading
import time
import uuid

import pytest
from openedx_events.learning.data import UserData, UserPersonalData
from openedx_events.learning.signals import SESSION_LOGIN_COMPLETED

from credentials.apps.core import api as core_api
from credentials.apps.core.models import ConsumedEvent

pytestmark = pytest.mark.django_db

TOPIC = "test-logins"  # a topic and event type of this test only, with a handler of this test only
GROUP = "credentials.test-logins"


def login(username):
    return {"user": UserData(id=1, is_active=True, pii=UserPersonalData(username=username, email="x@example.com"))}


class Handler:
    """Records the usernames it applied; fails for a username as many times as ``failures`` says."""

    def __init__(self):
        self.applied = []
        self.failures = {}

    def __call__(self, *, metadata, user):
        username = user.pii.username
        if self.failures.get(username, 0) != 0:
            self.failures[username] -= 1
            ConsumedEvent.objects.create(event_id=uuid.uuid4(), group_id="half-done", status="done")  # rolled back
            raise RuntimeError(f"handler failed for {username}")
        self.applied.append(username)


@pytest.fixture
def handler():
    handler = Handler()

    def apply_login(*, metadata, user):
        return handler(metadata=metadata, user=user)

    unregister = core_api.register_event_handler(SESSION_LOGIN_COMPLETED, apply_login)
    yield handler
    unregister()


@pytest.fixture
def publish(fake_lms):
    return lambda username, **kwargs: fake_lms.publish_event(TOPIC, SESSION_LOGIN_COMPLETED, login(username), **kwargs)


def consume(bus, **extra):
    return bus.consume(TOPIC, GROUP, **extra)


def test_events_published_while_no_consumer_runs_are_applied_when_one_starts(bus, handler, publish):
    assert consume(bus) == {}  # the group is created, then the consumer stops (a deploy, a crash)
    publish("during-downtime-1")
    publish("during-downtime-2")

    assert consume(bus) == {"ok": 2}  # upstream's consumer moves its group to "$" here and loses both

    assert handler.applied == ["during-downtime-1", "during-downtime-2"]


def test_a_brand_new_group_starts_at_the_end_unless_check_backlog(bus, handler, publish):
    publish("before-the-group-existed")
    assert consume(bus) == {}
    assert consume(bus, check_backlog=True, consumer_name="other") == {}  # group exists: its position is kept

    assert bus.consume(TOPIC, "credentials.other-group", check_backlog=True) == {"ok": 1}


def test_garbage_is_parked_and_the_valid_event_behind_it_is_applied(bus, handler, publish, fake_lms):
    consume(bus)
    fake_lms.db.xadd(bus.stream(TOPIC), {b"type": SESSION_LOGIN_COMPLETED.event_type.encode(), b"event_data": b"\xff"})
    fake_lms.db.xadd(bus.stream(TOPIC), {b"just": b"noise"})
    publish("valid")

    assert consume(bus) == {"dead": 2, "ok": 1}

    assert handler.applied == ["valid"]
    reasons = [fields[b"dlq_reason"] for _, fields in bus.dead_letters(TOPIC, GROUP)]
    assert reasons == [b"undecodable", b"undecodable"]
    assert bus.group_info(TOPIC, GROUP)["pending"] == 0


def test_a_failing_handler_is_retried_and_its_partial_work_rolled_back(bus, handler, publish):
    consume(bus)
    handler.failures["flaky"] = 2
    publish("flaky")

    assert consume(bus) == {"retry": 1}
    assert bus.group_info(TOPIC, GROUP)["pending"] == 1  # not acknowledged
    assert consume(bus) == {"retry": 1}
    assert consume(bus) == {"ok": 1}

    assert handler.applied == ["flaky"]
    assert not ConsumedEvent.objects.filter(group_id="half-done").exists()
    assert bus.group_info(TOPIC, GROUP)["pending"] == 0


def test_an_always_failing_event_is_parked_after_max_deliveries_and_never_blocks_the_others(bus, handler, publish):
    consume(bus)
    handler.failures["poison"] = -1  # fails forever
    publish("poison")
    publish("healthy")

    assert consume(bus) == {"retry": 1, "ok": 1}  # the poison message does not hold up the next one
    assert handler.applied == ["healthy"]
    for _ in range(2):
        assert consume(bus) == {"retry": 1}
    assert consume(bus) == {"dead": 1}  # 4th delivery > EVENT_BUS_REDIS_MAX_DELIVERIES (3)
    assert consume(bus) == {}

    [(_, fields)] = bus.dead_letters(TOPIC, GROUP)
    assert fields[b"dlq_reason"] == b"max_deliveries"
    assert fields[b"dlq_deliveries"] == b"4"
    assert bus.group_info(TOPIC, GROUP)["pending"] == 0
    assert ConsumedEvent.objects.get(group_id=GROUP, status="dead").event_type == SESSION_LOGIN_COMPLETED.event_type


def test_entries_read_but_never_acknowledged_are_handled_after_a_restart(bus, handler, publish):
    consume(bus, consumer_name="worker-1")
    publish("a")
    publish("b")
    # A consumer that read a batch and died before acknowledging anything (its Redis state, exactly).
    bus.client.xreadgroup(GROUP, "worker-1", {bus.stream(TOPIC): ">"}, count=10)
    assert bus.group_info(TOPIC, GROUP)["pending"] == 2

    assert consume(bus, consumer_name="worker-1") == {"ok": 2}

    assert handler.applied == ["a", "b"]
    assert bus.group_info(TOPIC, GROUP)["pending"] == 0


def test_a_dead_siblings_pending_entries_are_claimed_once_idle(bus, handler, publish, settings):
    settings.EVENT_BUS_REDIS_CLAIM_IDLE_MS = 0
    consume(bus, consumer_name="worker-1")
    publish("orphan")
    bus.client.xreadgroup(GROUP, "worker-1", {bus.stream(TOPIC): ">"}, count=10)  # worker-1 never comes back

    assert consume(bus, consumer_name="worker-2") == {"ok": 1}
    assert handler.applied == ["orphan"]


def test_a_duplicate_in_the_stream_is_acknowledged_without_running_the_handler(bus, handler, publish):
    consume(bus)
    event_id = uuid.uuid1()
    publish("once", event_id=event_id)
    publish("once", event_id=event_id)

    assert consume(bus) == {"ok": 1, "duplicate": 1}
    assert handler.applied == ["once"]


def test_events_without_a_handler_here_are_acknowledged(bus, fake_lms):
    bus.consume(TOPIC, GROUP)
    fake_lms.publish_event(TOPIC, SESSION_LOGIN_COMPLETED, login("nobody-listens"))

    assert bus.consume(TOPIC, GROUP) == {"ignored": 1}
    assert bus.group_info(TOPIC, GROUP)["pending"] == 0


def test_each_handled_event_is_logged_with_type_id_outcome_and_duration(bus, handler, publish, caplog):
    consume(bus)
    event_id = uuid.uuid1()
    publish("logged", event_id=event_id)
    caplog.set_level("INFO")

    consume(bus)

    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Event handled:")]
    assert f"type={SESSION_LOGIN_COMPLETED.event_type} id={event_id} outcome=ok duration_ms=" in line


def wait_until(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_running_consumer_recreates_a_lost_group_and_loses_nothing(bus, handler, publish):
    consumer = bus.consumer(TOPIC, GROUP)
    thread = threading.Thread(target=consumer.consume_indefinitely)
    thread.start()
    try:
        assert wait_until(lambda: bus.client.exists(bus.stream(TOPIC)))
        publish("before")
        assert wait_until(lambda: handler.applied == ["before"])

        bus.client.xgroup_destroy(bus.stream(TOPIC), GROUP)  # as a Redis restarted without persistence would
        publish("after")

        assert wait_until(lambda: handler.applied == ["before", "after"])
        assert consumer.counts["duplicate"] == 1  # "before" read again from the start, not applied again
    finally:
        consumer.stop()
        thread.join(10)
    assert not thread.is_alive()
