"""A private redis-server (AOF, fsync always) SIGKILLed and restarted under a running consumer and a producer:
the consumer reconnects, nothing published is lost, nothing is applied twice. The shared Redis is not touched."""

import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import redis
from django.db import transaction
from django.utils import timezone
from openedx_events.learning.signals import PROGRAM_CERTIFICATE_AWARDED, SESSION_LOGIN_COMPLETED

from bench.fake_lms import FakeLms
from credentials.apps.core import api as core_api
from credentials.apps.core.event_bus import outbox
from credentials.apps.core.models import ConsumedEvent
from tests.event_bus.test_consumer import GROUP, TOPIC, login, wait_until
from tests.event_bus.test_outbox import program_certificate

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (.ci/run installs it)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
            + ["--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        assert wait_until(lambda: _pings(client)), "redis-server did not start"
        client.close()

    def kill(self):
        self.process.kill()
        self.process.wait()


def _pings(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def private_redis(tmp_path, settings, bus):
    server = PrivateRedis(tmp_path)
    server.start()
    settings.EVENT_BUS_REDIS_CONNECTION_URL = server.url
    yield server
    server.kill()


@pytest.mark.django_db(transaction=True)
def test_consumer_survives_a_redis_restart_without_losing_or_repeating_events(private_redis, bus):
    applied = []

    def apply_login(*, metadata, user):
        applied.append(user.pii.username)

    unregister = core_api.register_event_handler(SESSION_LOGIN_COMPLETED, apply_login)
    consumer = bus.consumer(TOPIC, GROUP)
    thread = threading.Thread(target=consumer.consume_indefinitely)
    thread.start()
    lms = FakeLms(private_redis.url, prefix=bus.prefix)
    try:
        assert wait_until(lambda: bus_has_group(private_redis.url, bus.stream(TOPIC)))
        for index in range(20):
            lms.publish_event(TOPIC, SESSION_LOGIN_COMPLETED, login(f"before-{index}"))
        private_redis.kill()  # possibly in the middle of handling / acknowledging
        time.sleep(1)
        private_redis.start()
        lms.db.connection_pool.disconnect()
        for index in range(20):
            lms.publish_event(TOPIC, SESSION_LOGIN_COMPLETED, login(f"after-{index}"))

        assert wait_until(lambda: len(ConsumedEvent.objects.filter(group_id=GROUP, status="done")) == 40, 60)
    finally:
        consumer.stop()
        thread.join(15)
        lms.close()
        unregister()
    assert not thread.is_alive()
    assert sorted(applied) == sorted([f"before-{i}" for i in range(20)] + [f"after-{i}" for i in range(20)])


def bus_has_group(url, stream):
    client = redis.Redis.from_url(url)
    try:
        return bool(client.exists(stream)) and bool(client.xinfo_groups(stream))
    finally:
        client.close()


@pytest.mark.django_db(transaction=True)
def test_events_committed_while_redis_is_down_are_relayed_after_it_returns(private_redis, bus):
    private_redis.kill()
    event_ids = []
    for index in range(3):
        with transaction.atomic():  # each commit tries to send at once, and fails
            metadata = core_api.publish_event(
                PROGRAM_CERTIFICATE_AWARDED, program_certificate=program_certificate(f"u{index}")
            )
        event_ids.append(str(metadata.id))
    assert outbox.unsent_count() == 3

    private_redis.start()
    assert outbox.relay_once(now=timezone.now() + timedelta(minutes=10)) == (3, 0)

    client = redis.Redis.from_url(private_redis.url)
    entries = client.xrange(bus.stream("learning-program-certificate-lifecycle"))
    client.close()
    assert [fields[b"id"].decode() for _, fields in entries] == event_ids
    assert outbox.unsent_count() == 0
