"""Passing-status events from the LMS, through the real bus, into progress, awards and revocations
(spec/badges.md §4, §12.2, §12.6)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from credentials.apps.badges.models import BadgeProgress, Fulfillment, LocalBadgeTemplate
from credentials.apps.core.models import ConsumedEvent, OutboxEvent, User
from tests.badges.conftest import CCX_PASSING, badges_of, failed, make_template, passed

pytestmark = pytest.mark.django_db

A, B, C = "course-v1:edX+A+1", "course-v1:edX+B+1", "course-v1:edX+C+1"


def progress_ratio(template, username="alice"):
    return BadgeProgress.objects.get(username=username, template=template).ratio


def test_single_requirement_awards_and_announces(site, badges, issuer):
    template = make_template(site, [("A", passed(A))], icon="badge_templates/icons/star.png", description="Stars")

    badges.passing(course_key=A, name="Alice Doe", email="alice@example.org", lms_user_id=42)
    assert badges.consume() == {"ok": 1}

    assert badges_of(template) == [("alice", "awarded", "issued")]
    assert issuer.calls == [("award", issuer.calls[0][1], "awarded")]  # after commit, on the committed row
    user = User.objects.get(username="alice")
    assert (user.lms_user_id, user.email) == (42, "alice@example.org")
    [(kind, data)] = badges.produced()
    assert kind == "awarded"
    assert data.uuid == str(issuer.calls[0][1])
    assert (data.user.id, data.user.pii.username, data.user.pii.email, data.user.pii.name) == (
        42,
        "alice",
        "alice@example.org",
        "Alice Doe",
    )
    assert data.template.uuid == str(template.uuid)
    assert data.template.origin == "openedx"
    assert (data.template.name, data.template.description) == ("Badge", "Stars")
    assert data.template.image_url == "https://testserver/media/badge_templates/icons/star.png"
    # Our own event comes back on the same stream and is left alone.
    assert badges.consume() == {"ignored": 1}


def test_no_issuer_leaves_the_local_badge_created(site, badges):
    from credentials.apps.badges import issuers

    undo = issuers.register("openedx", None)  # as before the local issuer is registered
    try:
        template = make_template(site, [("A", passed(A))])
        badges.passing(course_key=A)
        assert badges.consume() == {"ok": 1}
    finally:
        undo()
    assert badges_of(template) == [("alice", "awarded", "created")]
    assert [kind for kind, _ in badges.produced()] == ["awarded"]


def test_a_failing_or_other_course_event_fulfils_nothing(site, badges, issuer):
    template = make_template(site, [("A", passed(A))])
    badges.failing(course_key=A)
    badges.passing(course_key=B)
    assert badges.consume() == {"ok": 2}
    assert badges_of(template) == []
    assert not BadgeProgress.objects.exists()  # nothing matched: no progress row either


def test_two_groups_award_only_after_both(site, badges, issuer):
    template = make_template(site, [("A", passed(A)), ("B", passed(B))])

    badges.passing(course_key=A)
    badges.consume()
    assert badges_of(template) == []
    assert progress_ratio(template) == 0.5

    badges.passing(course_key=B)
    badges.consume()
    assert badges_of(template) == [("alice", "awarded", "issued")]
    assert progress_ratio(template) == 1.0
    assert [kind for kind, _ in badges.produced()] == ["awarded"]


def test_or_inside_a_group(site, badges, issuer):
    template = make_template(site, [("A", passed(A)), ("A", passed(B)), ("C", passed(C))])

    badges.passing(course_key=B)
    badges.passing(course_key=C)
    badges.consume()
    assert badges_of(template) == [("alice", "awarded", "issued")]

    badges.passing(course_key=A)  # the other alternative of group A: recorded, no second award
    badges.consume()
    assert Fulfillment.objects.filter(progress__template=template).count() == 3
    assert [kind for kind, _ in badges.produced()] == ["awarded"]
    assert len(issuer.calls) == 1


def test_null_blend_is_a_group_of_its_own(site, badges, issuer):
    template = make_template(site, [(None, passed(A)), (None, passed(B))])
    badges.passing(course_key=A)
    badges.consume()
    assert badges_of(template) == []  # upstream: one shared NULL group, awarded here
    assert progress_ratio(template) == 0.5
    assert BadgeProgress.objects.get().groups == {
        f"req:{template.requirements.order_by('id')[0].pk}": True,
        f"req:{template.requirements.order_by('id')[1].pk}": False,
    }


def test_penalty_resets_and_revokes_once(site, badges, issuer):
    # The penalty names both requirements; upstream revokes (and announces) once per reset requirement.
    template = make_template(site, [("A", passed(A)), ("B", passed(B))], penalties=[(failed(A), [0, 1])])
    badges.passing(course_key=A)
    badges.passing(course_key=B)
    badges.consume()
    assert badges_of(template) == [("alice", "awarded", "issued")]

    badges.failing(course_key=A)
    badges.consume()
    assert badges_of(template) == [("alice", "revoked", "revoked")]
    assert progress_ratio(template) == 0.0
    assert [kind for kind, _ in badges.produced()] == ["awarded", "revoked"]
    assert [call[0] for call in issuer.calls] == ["award", "revoke"]

    badges.failing(course_key=A)  # nothing left to reset: nothing happens
    badges.consume()
    assert [kind for kind, _ in badges.produced()] == ["awarded", "revoked"]

    # A local badge may be earned again: the same row, awarded again.
    badges.passing(course_key=A)
    badges.passing(course_key=B)
    badges.consume()
    assert badges_of(template) == [("alice", "awarded", "issued")]
    assert [kind for kind, _ in badges.produced()] == ["awarded", "revoked", "awarded"]


def test_penalty_before_completion_resets_without_revoking(site, badges, issuer):
    template = make_template(site, [("A", passed(A)), ("B", passed(B))], penalties=[(failed(A), [0])])
    badges.passing(course_key=A)
    badges.consume()
    badges.failing(course_key=A)
    badges.consume()
    assert progress_ratio(template) == 0.0
    assert badges_of(template) == [] and badges.produced() == []


def test_rule_less_requirement_fires_and_rule_less_penalty_never(site, badges, issuer):
    template = make_template(site, [("A", [])], penalties=[([], [0])])
    badges.failing(course_key=C)  # any event of the type, passing or not
    badges.consume()
    assert badges_of(template) == [("alice", "awarded", "issued")]
    badges.failing(course_key=C, username="alice")
    badges.consume()
    assert badges_of(template) == [("alice", "awarded", "issued")]


def test_ccx_events_and_typed_rules(site, badges, issuer):
    ccx = "ccx-v1:edX+A+1+ccx@3"
    template = make_template(
        site,
        [
            (
                "A",
                [
                    ("course.ccx_course_key", "in", f'["{ccx}", "ccx-v1:edX+A+1+ccx@4"]'),
                    ("course.max_students_allowed", "ge", "10"),
                    ("course.coach_email", "exists", ""),
                    ("is_passing", "in", "yes"),
                ],
                CCX_PASSING,
            )
        ],
    )
    publish = badges.lms.publish_ccx_passing_status
    publish(username="bob", ccx_course_key=ccx, master_course_key=A, max_students_allowed=9, coach_email="c@x.org")
    publish(username="carol", ccx_course_key=ccx, master_course_key=A, max_students_allowed=10)  # coach_email ""
    publish(username="dan", ccx_course_key=ccx, master_course_key=A, max_students_allowed=None, coach_email="c@x")
    publish(username="erin", ccx_course_key=ccx, master_course_key=A, max_students_allowed=10, coach_email="c@x")
    assert badges.consume() == {"ok": 4}
    # "" is a value (exists); None (missing max) is not a number.
    assert badges_of(template) == [("carol", "awarded", "issued"), ("erin", "awarded", "issued")]


def test_redelivered_event_awards_once(site, badges, issuer):
    template = make_template(site, [("A", passed(A))])
    event_id = uuid.uuid1()
    badges.passing(course_key=A, event_id=event_id)
    badges.passing(course_key=A, event_id=event_id)  # the same event twice on the stream
    assert badges.consume() == {"ok": 1, "duplicate": 1}
    badges.passing(course_key=A)  # the LMS sending the same status again (a new event)
    assert badges.consume() == {"ok": 1, "ignored": 1}
    assert badges_of(template) == [("alice", "awarded", "issued")]
    assert [kind for kind, _ in badges.produced()] == ["awarded"]
    assert len(issuer.calls) == 1
    assert ConsumedEvent.objects.filter(event_id=event_id).count() == 1


def test_a_penalty_processed_before_its_older_requirement_event_wins(site, badges, issuer):
    """Order tolerance: per learner and course the newest passing status wins. The LMS said "passing" at t1 and
    "failing" at t2; the failing event arrives first. The late "passing" is older than what was applied for
    that learner and course, so it is skipped as stale: no badge for a learner who is failing now."""
    template = make_template(site, [("A", passed(A))], penalties=[(failed(A), [0])])
    now = datetime.now(UTC)
    badges.failing(course_key=A, time=now - timedelta(minutes=1))
    badges.passing(course_key=A, time=now - timedelta(minutes=2))
    assert badges.consume() == {"ok": 1, "stale": 1}
    assert badges_of(template) == [] and badges.produced() == []

    # In order, the same two events award, then revoke.
    badges.passing(course_key=A, username="bob", time=now - timedelta(minutes=2))
    badges.failing(course_key=A, username="bob", time=now - timedelta(minutes=1))
    assert badges.consume() == {"ok": 2}
    assert badges_of(template) == [("bob", "revoked", "revoked")]
    # Another course's older event is a separate fact and is applied.
    badges.passing(course_key=B, username="bob", time=now - timedelta(minutes=5))
    assert badges.consume()["ok"] == 1


def test_no_user_is_created_without_active_requirements(site, badges, issuer):
    make_template(site, [("A", passed(A))], is_active=False)
    badges.passing(course_key=A, username="nobody")
    assert badges.consume() == {"ok": 1}
    assert not User.objects.filter(username="nobody").exists()


def test_a_failing_issuer_never_fails_the_event(site, badges, issuer):
    template = make_template(site, [("A", passed(A))])
    issuer.fail = True
    badges.passing(course_key=A)
    assert badges.consume() == {"ok": 1}
    assert badges_of(template) == [("alice", "awarded", "error")]  # retry_badge_issuing picks it up
    assert [kind for kind, _ in badges.produced()] == ["awarded"]


def test_no_lms_user_id_awards_without_an_event(site, badges, issuer):
    template = make_template(site, [("A", passed(A))])
    User.objects.create(username="local", lms_user_id=None)
    badges.passing(course_key=A, username="local")
    assert badges.consume() == {"ok": 1}
    assert badges_of(template) == [("local", "awarded", "issued")]
    assert badges.produced() == [] and not OutboxEvent.objects.exists()


def test_events_from_the_libraries_own_producer(site, badges, issuer):
    template = make_template(site, [("A", passed(A))])
    badges.lms.publish_passing_status_with_library_producer(username="alice", course_key=A, lms_user_id=3)
    assert badges.consume() == {"ok": 1}
    assert badges_of(template) == [("alice", "awarded", "issued")]


def test_queries_per_event_are_constant(site, badges, issuer, django_assert_num_queries):
    templates = [
        make_template(site, [("A", passed(A)), ("B", passed(B))], [(failed(A), [0])], name=f"T{i}") for i in range(3)
    ]
    for name in ("warm", "u1", "u2"):
        User.objects.create(username=name, lms_user_id=1)
    badges.passing(username="warm", course_key=A)
    badges.consume()  # the consumer group exists from here on
    ContentType.objects.get_for_model(LocalBadgeTemplate)  # cached for the process's life, as in production

    # Per event: 7 of the consumer's bookkeeping (2 savepoints and releases, event id, staleness, done row) + 3 rule
    # book + 1 user + progress (1 lock, +2 when created) + 1 fulfillments + 1 insert; with awards 1 (templates)
    # and per award 4 (badge lookup, two inserts, outbox row), after commit 4 (outbox send, issuer load and update).
    # First requirement of three templates for an existing learner: progress rows created, no award.
    badges.passing(username="u1", course_key=A)
    with django_assert_num_queries(16):
        badges.consume()
    badges.passing(username="u2", course_key=A)
    with django_assert_num_queries(16):
        badges.consume()
    # The completing event awards three badges (outbox rows, sent after commit).
    badges.passing(username="u1", course_key=B)
    with django_assert_num_queries(39):
        badges.consume()
    assert all(badges_of(t) == [("u1", "awarded", "issued")] for t in templates)
