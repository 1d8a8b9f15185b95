"""``manage.py consume_events`` as a process: SIGKILL mid-run loses nothing, SIGTERM exits 0, bad options exit 2.

Each test runs real consumer processes on a SQLite file of its own (bench/event_bus.py's World)."""

import shutil
import signal
import time

import pytest
import redis

from bench.event_bus import World, publish, wait_for
from bench.fake_lms import FakeLms
from tests.event_bus.conftest import REDIS_URL


@pytest.fixture(scope="module")
def database_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("consumer-db") / "template.sqlite3"
    World(database_url=f"sqlite:///{path}", redis_url=REDIS_URL, log_dir=path.parent).create_database()
    return path


@pytest.fixture
def world(tmp_path, database_template):
    database = tmp_path / "consumer.sqlite3"
    shutil.copy(database_template, database)
    world = World(database_url=f"sqlite:///{database}", redis_url=REDIS_URL, log_dir=tmp_path)
    world.env["EVENT_BUS_REDIS_CLAIM_IDLE_MS"] = "60000"
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
    for index in range(200):
        publish(world.lms, index)

    assert wait_for(world, 200, timeout=120, kill_at=[50, 120]) is not None

    assert world.stop_consumers() == [-signal.SIGKILL, -signal.SIGKILL, 0]
    _, ok_per_event = world.outcomes()
    assert world.credentials() == world.distinct_learners() == world.applied_events() == 200
    assert max(ok_per_event.values()) == 1


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
