"""Badge pipeline tests: events published by the fake LMS (openedx-events + edx-event-bus-redis) to the real
Redis, consumed by our consumer on learning-badges-lifecycle, on streams of each test's own (tests/event_bus)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from credentials.apps.badges import conf, issuers
from credentials.apps.badges.models import (
    BadgePenalty,
    BadgeRequirement,
    DataRule,
    LocalBadge,
    LocalBadgeTemplate,
    PenaltyDataRule,
)
from tests.event_bus.conftest import bus, fake_lms  # noqa: F401  (the real Redis, isolated per test)

TOPIC = "learning-badges-lifecycle"
GROUP = "credentials.learning-badges-lifecycle"
PASSING = conf.PASSING_STATUS_UPDATED
CCX_PASSING = conf.CCX_PASSING_STATUS_UPDATED
SIGNALS = {BADGE_AWARDED.event_type: BADGE_AWARDED, BADGE_REVOKED.event_type: BADGE_REVOKED}


class RecordingIssuer:
    """An issuer standing in for a provider: remembers what it was asked after commit; may fail."""

    def __init__(self):
        self.calls = []
        self.fail = False

    def award(self, badge):
        self.calls.append(("award", badge.uuid, badge.status))
        if self.fail:
            raise ConnectionError("provider down")
        type(badge).objects.filter(pk=badge.pk).update(state="issued")

    def revoke(self, badge):
        self.calls.append(("revoke", badge.uuid, badge.status))
        type(badge).objects.filter(pk=badge.pk).update(state="revoked")


@pytest.fixture
def issuer():
    """The issuer of origin "openedx" for the test (whatever the local-issuer work registers is set aside)."""
    recording = RecordingIssuer()
    undo = issuers.register("openedx", recording)
    yield recording
    undo()


class Badges:
    """Publish, consume (on-commit work included), and read what came out."""

    def __init__(self, event_bus, lms, capture):
        self.bus, self.lms, self.capture = event_bus, lms, capture

    def passing(self, username="alice", course_key="course-v1:edX+A+1", is_passing=True, **extra):
        extra.setdefault("lms_user_id", 7)
        return self.lms.publish_passing_status(username=username, course_key=course_key, is_passing=is_passing, **extra)

    def failing(self, username="alice", course_key="course-v1:edX+A+1", **extra):
        return self.passing(username, course_key, is_passing=False, **extra)

    def consume(self):
        """Consume what is there; returns the outcome counts (our own BADGE_* entries count as "ignored")."""
        with self.capture(execute=True):
            counts = self.bus.consume(topic=TOPIC, group=GROUP, check_backlog=True)
        return counts

    def produced(self):
        """[(event type, BadgeData)] our outbox put on the stream, in order."""
        events = []
        for _, fields in self.bus.client.xrange(self.bus.stream(TOPIC)):
            signal = SIGNALS.get(fields[b"type"].decode())
            if signal is not None:
                data = deserialize_bytes_to_event_data(fields[b"event_data"], signal)
                events.append((signal.event_type.split(".")[-2], data["badge"]))
        return events


@pytest.fixture
def badges(bus, fake_lms, django_capture_on_commit_callbacks):  # noqa: F811
    fake_lms.prefix = bus.prefix
    return Badges(bus, fake_lms, django_capture_on_commit_callbacks)


def make_template(site, requirements, penalties=(), *, name="Badge", is_active=True, **fields):
    """A local template. ``requirements``: [(blend, [(path, op, value)], event_type?)];
    ``penalties``: [([(path, op, value)], [requirement indexes])]."""
    template = LocalBadgeTemplate.objects.create(site=site, name=name, is_active=is_active, **fields)
    made = []
    for spec in requirements:
        blend, rules, event_type = (*spec, PASSING) if len(spec) == 2 else spec
        requirement = BadgeRequirement.objects.create(template=template, event_type=event_type, blend=blend)
        for path, operator, value in rules:
            DataRule.objects.create(requirement=requirement, data_path=path, operator=operator, value=value)
        made.append(requirement)
    for rules, indexes in penalties:
        penalty = BadgePenalty.objects.create(template=template, event_type=PASSING)
        penalty.requirements.set([made[i] for i in indexes])
        for path, operator, value in rules:
            PenaltyDataRule.objects.create(penalty=penalty, data_path=path, operator=operator, value=value)
    return template


def passed(course_key):
    return [("is_passing", "eq", "true"), ("course.course_key", "eq", course_key)]


def failed(course_key):
    return [("is_passing", "eq", "false"), ("course.course_key", "eq", course_key)]


def badges_of(template):
    ct = ContentType.objects.get_for_model(LocalBadgeTemplate)
    return list(
        LocalBadge.objects.filter(credential_content_type=ct, credential_id=template.pk)
        .order_by("id")
        .values_list("username", "status", "state")
    )
