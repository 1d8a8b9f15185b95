"""CERTIFICATE_CREATED / CERTIFICATE_REVOKED from the LMS, through the real bus, into course credentials."""

import pytest

from credentials.apps.core.models import ConsumedEvent, User
from credentials.apps.credentials.models import CourseCertificate, UserCredential
from tests.event_bus.conftest import GROUP

pytestmark = pytest.mark.django_db

RUN = "course-v1:edX+DemoX+2024"


def learner_credentials(username="alice"):
    return list(UserCredential.objects.filter(username=username).values_list("status", flat=True))


def test_certificate_created_awards_a_course_credential_and_creates_the_learner(bus, fake_lms, course_run):
    fake_lms.publish(
        "certificate-created", username="alice", email="a@example.com", name="Alice A", lms_user_id=42, course_key=RUN
    )

    counts = bus.consume(check_backlog=True)

    assert counts == {"ok": 1}
    credential = UserCredential.objects.get(username="alice")
    assert credential.status == "awarded"
    assert credential.credential.course_id == RUN
    assert credential.credential.certificate_type == "verified"
    user = User.objects.get(username="alice")
    assert (user.lms_user_id, user.email, user.full_name) == (42, "a@example.com", "Alice A")
    assert user.linked_to_lms  # the LMS's learner: their SSO and JWTs find this account by id 42
    assert bus.group_info()["pending"] == 0


def test_the_api_function_is_the_rest_paths_one_an_inactive_configuration_blocks_it(bus, fake_lms, course_run, site):
    CourseCertificate.objects.create(
        site=site, course_run=course_run, course_id=RUN, certificate_type="verified", is_active=False
    )
    fake_lms.publish("certificate-created", username="alice", course_key=RUN)

    assert bus.consume(check_backlog=True) == {"dead": 1}

    assert learner_credentials() == []
    [(_, fields)] = bus.dead_letters()
    assert fields[b"dlq_reason"] == b"permanent"
    assert b"No active CourseCertificate" in fields[b"dlq_error"]


def test_revoked_after_created_revokes_and_an_older_created_replayed_later_is_skipped(bus, fake_lms, course_run):
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    fake_lms.publish("certificate-created", username="alice", course_key=RUN, time=now - timedelta(minutes=2))
    fake_lms.publish("certificate-revoked", username="alice", course_key=RUN, time=now - timedelta(minutes=1))
    assert bus.consume(check_backlog=True) == {"ok": 2}
    assert learner_credentials() == ["revoked"]

    # An old "created" arriving late (a replay, a redelivery from another stream) does not re-award.
    fake_lms.publish("certificate-created", username="alice", course_key=RUN, time=now - timedelta(minutes=3))
    assert bus.consume() == {"stale": 1}
    assert learner_credentials() == ["revoked"]


def test_the_same_event_id_twice_is_applied_once(bus, fake_lms, course_run):
    import uuid

    event_id = uuid.uuid1()
    fake_lms.publish("certificate-created", username="alice", course_key=RUN, event_id=event_id)
    assert bus.consume(check_backlog=True) == {"ok": 1}
    credential = UserCredential.objects.get(username="alice")
    # An admin revokes in between; a redelivered copy of the old event must not award again.
    credential.status = "revoked"
    credential.save()

    fake_lms.publish("certificate-created", username="alice", course_key=RUN, event_id=event_id)
    assert bus.consume() == {"duplicate": 1}

    assert learner_credentials() == ["revoked"]
    assert ConsumedEvent.objects.get(event_id=event_id, group_id=GROUP).status == "done"


def test_unknown_course_run_is_logged_by_name_parked_and_acknowledged(bus, fake_lms, site, caplog):
    fake_lms.publish("certificate-created", username="alice", course_key="course-v1:edX+Nowhere+2024")

    assert bus.consume(check_backlog=True) == {"dead": 1}

    assert "course-v1:edX+Nowhere+2024" in caplog.text
    assert learner_credentials() == []
    assert bus.group_info()["pending"] == 0
    [(_, fields)] = bus.dead_letters()
    assert fields[b"dlq_reason"] == b"permanent"


def test_a_parked_event_replayed_after_the_catalog_has_the_run_is_applied(bus, fake_lms, site):
    from django.core.management import call_command

    from tests.factories import CourseRunFactory

    fake_lms.publish("certificate-created", username="alice", course_key=RUN)
    assert bus.consume(check_backlog=True) == {"dead": 1}
    CourseRunFactory(key=RUN, course__site=site)

    call_command("event_bus_dead_letters", "replay", "-t", "learning-certificate-lifecycle", "-g", GROUP, "--all")

    assert bus.consume() == {"ok": 1}
    assert learner_credentials() == ["awarded"]
    assert bus.dead_letters() == []


def test_events_from_the_libraries_own_producer_are_consumed(bus, fake_lms, course_run):
    consumer = bus.consumer()
    consumer.consume_available()  # the group exists before the LMS publishes, as in production
    fake_lms.publish_with_library_producer("certificate-created", username="alice", course_key=RUN)

    assert consumer.consume_available() == {"ok": 1}
    consumer.client.close()
    assert learner_credentials() == ["awarded"]


def test_an_event_costs_a_bounded_number_of_queries(bus, fake_lms, course_run, django_assert_max_num_queries):
    fake_lms.publish("certificate-created", username="first", course_key=RUN)
    bus.consume(check_backlog=True)  # creates the run's configuration
    fake_lms.publish("certificate-created", username="alice", course_key=RUN)

    with django_assert_max_num_queries(19):
        assert bus.consume() == {"ok": 1}
