"""A fake LMS that publishes events the way the LMS does: openedx-events data classes and Avro,
edx-event-bus-redis' stream entry, ``XADD`` to ``<EVENT_BUS_TOPIC_PREFIX>-learning-certificate-lifecycle`` (course
certificates) or ``<EVENT_BUS_TOPIC_PREFIX>-learning-badges-lifecycle`` (passing status, for badges).

    .venv/bin/python bench/fake_lms.py certificate-created --username alice --course-key course-v1:edX+DemoX+2024
    .venv/bin/python bench/fake_lms.py certificate-revoked --username alice --course-key course-v1:edX+DemoX+2024
    .venv/bin/python bench/fake_lms.py passing-status --username alice --course-key course-v1:edX+DemoX+2024
    .venv/bin/python bench/fake_lms.py passing-status --failing --username alice --course-key ...
    .venv/bin/python bench/fake_lms.py ccx-passing-status --ccx-course-key ccx-v1:edX+DemoX+2024+ccx@3 \
        --master-course-key course-v1:edX+DemoX+2024 --username alice
    .venv/bin/python bench/fake_lms.py garbage            # an entry no consumer can decode (poison test)

Environment: EVENT_BUS_REDIS_CONNECTION_URL (default redis://127.0.0.1:6379/0), EVENT_BUS_TOPIC_PREFIX
(default dev). Prints the stream id of each entry. Tests and bench/event_bus.py import the functions.
"""

import argparse
import os
import socket
import sys
import uuid
from datetime import UTC, datetime

import django
from django.conf import settings

if not settings.configured:  # run as a script: the LMS's settings, not the Credentials service's
    settings.configure(
        EVENT_BUS_REDIS_CONNECTION_URL=os.environ.get("EVENT_BUS_REDIS_CONNECTION_URL", "redis://127.0.0.1:6379/0"),
        EVENT_BUS_TOPIC_PREFIX=os.environ.get("EVENT_BUS_TOPIC_PREFIX", "dev"),
        EVENTS_SERVICE_NAME="lms",
        EVENT_BUS_REDIS_AUDIT_LOGGING_ENABLED=False,
    )
    django.setup()

from ccx_keys.locator import CCXLocator  # noqa: E402
from edx_event_bus_redis.internal.config import get_full_topic  # noqa: E402
from edx_event_bus_redis.internal.message import RedisMessage  # noqa: E402
from edx_event_bus_redis.internal.producer import RedisEventProducer  # noqa: E402
from opaque_keys.edx.keys import CourseKey  # noqa: E402
from openedx_events.data import EventsMetadata  # noqa: E402
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes  # noqa: E402
from openedx_events.learning.data import (  # noqa: E402
    CcxCourseData,
    CcxCoursePassingStatusData,
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (  # noqa: E402
    CCX_COURSE_PASSING_STATUS_UPDATED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
)
from walrus import Database  # noqa: E402

TOPIC = "learning-certificate-lifecycle"
BADGES_TOPIC = "learning-badges-lifecycle"
SIGNALS = {"certificate-created": CERTIFICATE_CREATED, "certificate-revoked": CERTIFICATE_REVOKED}


def certificate_data(*, username, course_key, lms_user_id=1, email=None, name="", mode="verified", is_active=True):
    return CertificateData(
        user=UserData(
            id=lms_user_id,
            is_active=is_active,
            pii=UserPersonalData(username=username, email=email or f"{username}@example.com", name=name),
        ),
        course=CourseData(course_key=CourseKey.from_string(course_key)),
        mode=mode,
        grade="0.9",
        current_status="downloadable",
        download_url="",
        name=name,
    )


def user_data(*, username, lms_user_id=1, email=None, name="", is_active=True):
    return UserData(
        id=lms_user_id,
        is_active=is_active,
        pii=UserPersonalData(username=username, email=email or f"{username}@example.com", name=name),
    )


def passing_status_data(*, course_key, is_passing=True, display_name="", start=None, end=None, **user):
    """COURSE_PASSING_STATUS_UPDATED's data object, as the LMS grades app builds it."""
    return CoursePassingStatusData(
        is_passing=is_passing,
        course=CourseData(
            course_key=CourseKey.from_string(course_key), display_name=display_name, start=start, end=end
        ),
        user=user_data(**user),
    )


def ccx_passing_status_data(
    *, ccx_course_key, master_course_key, is_passing=True, coach_email="", max_students_allowed=None, **user
):
    """CCX_COURSE_PASSING_STATUS_UPDATED's data object."""
    return CcxCoursePassingStatusData(
        is_passing=is_passing,
        course=CcxCourseData(
            ccx_course_key=CCXLocator.from_string(ccx_course_key),
            master_course_key=CourseKey.from_string(master_course_key),
            coach_email=coach_email,
            max_students_allowed=max_students_allowed,
        ),
        user=user_data(**user),
    )


def metadata(signal, *, event_id=None, time=None):
    return EventsMetadata(
        event_type=signal.event_type,
        id=event_id or uuid.uuid1(),
        source="openedx/lms/web",
        sourcehost=socket.gethostname(),
        time=time or datetime.now(UTC),
    )


class FakeLms:
    """Publishes to one Redis (``url``) with the topic ``prefix`` (default: EVENT_BUS_TOPIC_PREFIX in force)."""

    def __init__(self, url=None, prefix=None):
        self.db = Database.from_url(url or settings.EVENT_BUS_REDIS_CONNECTION_URL)
        self.prefix = prefix
        self.stream = self.full_topic(TOPIC)

    def full_topic(self, topic):
        return f"{self.prefix}-{topic}" if self.prefix else get_full_topic(topic)

    def publish(self, kind, *, event_id=None, time=None, **certificate):
        """XADD one certificate event exactly as edx-event-bus-redis' producer builds it; returns the stream id
        (raises when Redis did not take it, unlike the library's fire-and-forget ``send``)."""
        signal = SIGNALS[kind]
        return self.publish_event(TOPIC, signal, {"certificate": certificate_data(**certificate)}, event_id, time)

    def publish_event(self, topic, signal, data, event_id=None, time=None):
        """XADD any openedx-events event to ``topic``; returns the stream id."""
        stream = self.full_topic(topic)
        message = RedisMessage(
            topic=stream,
            event_data=serialize_event_data_to_bytes(data, signal),
            event_metadata=metadata(signal, event_id=event_id, time=time),
        )
        return self.db.xadd(stream, message.to_binary_dict()).decode()

    def publish_passing_status(self, *, event_id=None, time=None, **status):
        """COURSE_PASSING_STATUS_UPDATED to learning-badges-lifecycle (``passing_status_data``'s arguments)."""
        data = {"course_passing_status": passing_status_data(**status)}
        return self.publish_event(BADGES_TOPIC, COURSE_PASSING_STATUS_UPDATED, data, event_id, time)

    def publish_ccx_passing_status(self, *, event_id=None, time=None, **status):
        """CCX_COURSE_PASSING_STATUS_UPDATED to learning-badges-lifecycle (``ccx_passing_status_data``'s)."""
        data = {"course_passing_status": ccx_passing_status_data(**status)}
        return self.publish_event(BADGES_TOPIC, CCX_COURSE_PASSING_STATUS_UPDATED, data, event_id, time)

    def publish_passing_status_with_library_producer(self, **status):
        """Through edx-event-bus-redis' own RedisEventProducer.send, keyed as the LMS keys it."""
        event_metadata = metadata(COURSE_PASSING_STATUS_UPDATED)
        RedisEventProducer(self.db).send(
            signal=COURSE_PASSING_STATUS_UPDATED,
            topic=BADGES_TOPIC,
            event_key_field="course_passing_status.course.course_key",
            event_data={"course_passing_status": passing_status_data(**status)},
            event_metadata=event_metadata,
        )
        return event_metadata.id

    def publish_with_library_producer(self, kind, **certificate):
        """Through edx-event-bus-redis' own RedisEventProducer.send (what the LMS runs)."""
        signal = SIGNALS[kind]
        event_metadata = metadata(signal)
        RedisEventProducer(self.db).send(
            signal=signal,
            topic=TOPIC,
            event_key_field="certificate.course.course_key",
            event_data={"certificate": certificate_data(**certificate)},
            event_metadata=event_metadata,
        )
        return event_metadata.id

    def publish_garbage(self):
        """An entry with valid headers and bytes that are not the event's Avro."""
        message = RedisMessage(
            topic=self.stream, event_data=b"\xff\x00not avro", event_metadata=metadata(CERTIFICATE_CREATED)
        )
        return self.db.xadd(self.stream, message.to_binary_dict()).decode()

    def close(self):
        self.db.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=[*SIGNALS, "passing-status", "ccx-passing-status", "garbage"])
    parser.add_argument("--username", default="fake_learner")
    parser.add_argument("--email")
    parser.add_argument("--name", default="")
    parser.add_argument("--lms-user-id", type=int, default=1)
    parser.add_argument("--course-key", default="course-v1:edX+DemoX+2024")
    parser.add_argument("--mode", default="verified")
    parser.add_argument("--inactive", action="store_true")
    parser.add_argument("--failing", action="store_true", help="passing-status: is_passing false")
    parser.add_argument("--ccx-course-key", default="ccx-v1:edX+DemoX+2024+ccx@1")
    parser.add_argument("--master-course-key", default="course-v1:edX+DemoX+2024")
    args = parser.parse_args(argv)
    lms = FakeLms()
    if args.kind == "garbage":
        print(lms.publish_garbage())
        return
    user = {
        "username": args.username,
        "email": args.email,
        "name": args.name,
        "lms_user_id": args.lms_user_id,
        "is_active": not args.inactive,
    }
    if args.kind == "passing-status":
        print(lms.publish_passing_status(course_key=args.course_key, is_passing=not args.failing, **user))
        return
    if args.kind == "ccx-passing-status":
        print(
            lms.publish_ccx_passing_status(
                ccx_course_key=args.ccx_course_key,
                master_course_key=args.master_course_key,
                is_passing=not args.failing,
                **user,
            )
        )
        return
    print(
        lms.publish(
            args.kind,
            username=args.username,
            email=args.email,
            name=args.name,
            lms_user_id=args.lms_user_id,
            course_key=args.course_key,
            mode=args.mode,
            is_active=not args.inactive,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
