"""Event-bus tests run against the real Redis at 127.0.0.1:6379 (database 15), each test on streams of its own
(a random EVENT_BUS_TOPIC_PREFIX) that are deleted afterwards. Nothing here is mocked."""

import uuid

import pytest
import redis

from bench.fake_lms import FakeLms
from credentials.apps.core.event_bus import RedisEventConsumer
from tests.factories import CourseRunFactory

REDIS_URL = "redis://127.0.0.1:6379/15"
CERTIFICATES = "learning-certificate-lifecycle"
PROGRAM_CERTIFICATES = "learning-program-certificate-lifecycle"
GROUP = "credentials.learning-certificate-lifecycle"


class Bus:
    def __init__(self, client, prefix):
        self.client = client
        self.prefix = prefix

    def stream(self, topic):
        return f"{self.prefix}-{topic}"

    def consumer(self, topic=CERTIFICATES, group=GROUP, **extra):
        extra.setdefault("consumer_name", f"{group}.test")
        return RedisEventConsumer(topic=topic, group_id=group, **extra)

    def consume(self, topic=CERTIFICATES, group=GROUP, **extra):
        consumer = self.consumer(topic, group, **extra)
        try:
            return consumer.consume_available()
        finally:
            consumer.client.close()

    def dead_letters(self, topic=CERTIFICATES, group=GROUP):
        return self.client.xrange(f"{self.stream(topic)}.dlq.{group}")

    def group_info(self, topic=CERTIFICATES, group=GROUP):
        groups = {g["name"].decode(): g for g in self.client.xinfo_groups(self.stream(topic))}
        return groups[group]


@pytest.fixture
def bus(settings):
    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings.EVENT_BUS_REDIS_CONNECTION_URL = REDIS_URL
    settings.EVENT_BUS_TOPIC_PREFIX = prefix
    settings.EVENT_BUS_PRODUCER = "credentials.apps.core.event_bus.create_producer"
    settings.EVENT_BUS_REDIS_CLAIM_IDLE_MS = 60_000  # own failed entries are retried at the next start
    settings.EVENT_BUS_REDIS_CLAIM_INTERVAL_S = 0
    settings.EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = 1
    settings.EVENT_BUS_REDIS_MAX_DELIVERIES = 3
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    yield Bus(client, prefix)
    for pattern in (f"{prefix}-*", f"event-bus:heartbeat:{prefix}-*"):
        for key in client.scan_iter(match=pattern, count=1000):
            client.delete(key)
    client.close()


@pytest.fixture
def fake_lms(bus):
    lms = FakeLms(REDIS_URL)
    yield lms
    lms.close()


@pytest.fixture
def course_run(site):
    return CourseRunFactory(key="course-v1:edX+DemoX+2024", course__site=site)
