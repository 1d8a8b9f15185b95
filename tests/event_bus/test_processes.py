"""``manage.py consume_events`` as a process: SIGKILL mid-run loses nothing, SIGTERM exits 0, bad options exit 2.

Each test runs real consumer processes on a SQLite file of its own (bench/event_bus.py's World)."""

import signal
import time

import pytest
import redis

from bench.event_bus import World, publish, wait_for
from bench.fake_lms import FakeLms
from tests.event_bus.conftest import REDIS_URL


@pytest.fixture
def world(tmp_path):
    world = World(database_url=f"sqlite:///{tmp_path / 'consumer.sqlite3'}", redis_url=REDIS_URL, log_dir=tmp_path)
    world.env["EVENT_BUS_REDIS_CLAIM_IDLE_MS"] = "60000"
    world.create_database()
    client = redis.Redis.from_url(REDIS_URL)
    lms = FakeLms(REDIS_URL, prefix=world.prefix)
    world.lms = lms
    yield world
    for process, log_file, _ in world.consumers:
        if process.poll() is None:
            process.kill()
            process.wait()
        log_file.close()
    lms.close()
    world.cleanup_redis(client)
    client.close()


def test_a_consumer_killed_mid_run_loses_nothing_and_applies_nothing_twice(world):
    world.start_consumer()
    for index in range(300):
        publish(world.lms, index)

    assert wait_for(world, 300, timeout=120, kill_at=[60, 180]) is not None

    assert world.stop_consumers() == [-signal.SIGKILL, -signal.SIGKILL, 0]
    by_outcome, ok_per_event = world.outcomes()
    assert world.credentials() == world.distinct_learners() == world.applied_events() == 300
    assert max(ok_per_event.values()) == 1
    assert by_outcome["ok"] + by_outcome["duplicate"] >= 300


def test_events_published_while_the_consumer_is_down_are_applied_when_it_returns(world):
    world.start_consumer()
    publish(world.lms, 0)
    assert wait_for(world, 1, timeout=60) is not None
    assert world.stop_consumers() == [0]

    for index in range(1, 11):
        publish(world.lms, index)
    world.start_consumer()

    assert wait_for(world, 11, timeout=60) is not None
    assert world.credentials() == 11


def test_sigterm_finishes_and_exits_zero(world):
    process = world.start_consumer()
    publish(world.lms, 0)
    assert wait_for(world, 1, timeout=60) is not None

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=10) == 0
    assert time.monotonic() - started < 10
    assert "finishing the current event, then exiting" in world.consumers[0][2].read_text()


def test_misconfiguration_exits_two_with_a_message(world):
    result = world.manage("consume_events", "-t", "x", "-g", "y", "--extra", "{not json", check=False)
    assert result.returncode == 2
    assert "--extra is not valid JSON" in result.stderr

    result = world.manage("consume_events", "-t", "x", "-g", "y", "--extra", '{"no_such_option": 1}', check=False)
    assert result.returncode == 2
    assert "no_such_option" in result.stderr


def test_consumers_switched_off_exit_zero_at_once(world):
    world.env["EVENT_BUS_REDIS_CONSUMERS_ENABLED"] = "false"
    result = world.manage("consume_events", "-t", "x", "-g", "y", check=False)
    assert result.returncode == 0
    assert "Redis consumers not enabled, exiting." in result.stdout + result.stderr


def test_event_bus_status_shows_the_lag(world):
    world.start_consumer()
    publish(world.lms, 0)
    assert wait_for(world, 1, timeout=60) is not None
    world.stop_consumers()
    for index in range(1, 6):
        publish(world.lms, index)

    result = world.manage("event_bus_status", "-t", "learning-certificate-lifecycle")

    assert "lag=5 pending=0" in result.stdout
