"""Badge benchmark (part of ``make bench-events``): 10,000 COURSE_PASSING_STATUS_UPDATED events for 1,000 learners
and 10 badge templates, published by the fake LMS to Redis and consumed by a real ``manage.py consume_events``
process on learning-badges-lifecycle, with BADGE_AWARDED / BADGE_REVOKED published through the outbox.

    .venv/bin/python bench/badge_events.py                  # alone (bench/event_bus.py runs it after its runs)
    .venv/bin/python bench/badge_events.py --learners 100   # smaller

Templates: 10 courses C0..C9; template t needs group A "passed C_t" and group B "passed C_(t+1 mod 10)", and a
penalty "failed C_t" resets its group A. Learners get 10 events each, in rounds (round r is every learner's
r-th event, so one learner's events are spread over the whole run):
  * learner % 20 == 0: passes C0..C8, then fails C0 -> 8 awards (templates 0-7), then template 0 revoked;
  * other learner % 4 == 0: passes every course but fails C_(learner % 10) -> 8 awards;
  * the others pass all 10 courses -> 10 awards.
So 1,000 learners make exactly 9,500 awards and 50 revocations (9,450 badges awarded at the end). The run checks
those numbers in the database and the outbox, then measures queries per event in-process on a sample of new
learners (the count depends only on what an event does, e.g. how many badges it awards).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.event_bus import World, fake_lms  # noqa: E402

TOPIC = "learning-badges-lifecycle"
GROUP = "credentials.learning-badges-lifecycle"
COURSES = 10
PASSING = "org.openedx.learning.course.passing.status.updated.v1"


def course(index):
    return f"course-v1:BadgeX+C{index % COURSES}+2026"


def learner_events(learner):
    """[(course key, is_passing)] of one learner, in order."""
    if learner % 20 == 0:
        return [(course(c), True) for c in range(9)] + [(course(0), False)]
    if learner % 4 == 0:
        return [(course(c), c != learner % 10) for c in range(COURSES)]
    return [(course(c), True) for c in range(COURSES)]


def expected(learners):
    awards = revocations = 0
    for learner in learners:
        passed = {key for key, ok in learner_events(learner) if ok}
        for t in range(COURSES):
            if course(t) in passed and course(t + 1) in passed:
                awards += 1
                if learner % 20 == 0 and t == 0:
                    revocations += 1
    return awards, revocations


SEED = f"""
from django.contrib.sites.models import Site
from credentials.apps.badges.models import BadgePenalty, BadgeRequirement, DataRule, LocalBadgeTemplate, PenaltyDataRule
site = Site.objects.get(pk=1)
for t in range({COURSES}):
    template = LocalBadgeTemplate.objects.create(site=site, name=f"Bench badge {{t}}", is_active=True,
                                                 criteria_narrative="Pass two courses.")
    requirements = []
    for blend, c in (("A", t), ("B", (t + 1) % {COURSES})):
        requirement = BadgeRequirement.objects.create(template=template, event_type="{PASSING}", blend=blend)
        DataRule.objects.create(requirement=requirement, data_path="course.course_key", operator="eq",
                                value=f"course-v1:BadgeX+C{{c}}+2026")
        DataRule.objects.create(requirement=requirement, data_path="is_passing", operator="eq", value="true")
        requirements.append(requirement)
    penalty = BadgePenalty.objects.create(template=template, event_type="{PASSING}")
    penalty.requirements.set(requirements[:1])
    PenaltyDataRule.objects.create(penalty=penalty, data_path="course.course_key", operator="eq",
                                   value=f"course-v1:BadgeX+C{{t}}+2026")
    PenaltyDataRule.objects.create(penalty=penalty, data_path="is_passing", operator="eq", value="false")
"""


def badge_world(args):
    world = World(database_url=args.database_url, redis_url=args.redis_url, log_dir=args.log_dir)
    world.env.update(BADGES_ENABLED="true", EVENT_BUS_PRODUCER="credentials.apps.core.event_bus.create_producer")
    world.create_database()
    world.manage("shell", "-c", SEED)
    return world


def publish_rounds(lms, learners, offset=0):
    events = {learner: learner_events(learner) for learner in learners}
    count = 0
    for r in range(COURSES):
        for learner in learners:
            key, is_passing = events[learner][r]
            lms.publish_passing_status(
                username=f"badge_{learner}", lms_user_id=200_000 + learner, course_key=key, is_passing=is_passing
            )
            count += 1
    return count


def start_consumer(world):
    """consume_events on the badges topic (World.start_consumer knows the certificate topic only)."""
    log_path = world.log_dir / f"{world.prefix}-badges-consumer.log"
    log_file = open(log_path, "w")  # noqa: SIM115  (closed by world.stop_consumers)
    extra = json.dumps({"consumer_name": "bench.badges", "check_backlog": True})
    process = subprocess.Popen(
        [sys.executable, "manage.py", "consume_events", "-t", TOPIC, "-g", GROUP, "--extra", extra],
        cwd=REPO,
        env=world.env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    world.consumers.append((process, log_file, log_path))


def wait_until_listening(world, client, timeout=120):
    stream = f"{world.prefix}-{TOPIC}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if any(group["name"].decode() == GROUP for group in client.xinfo_groups(stream)):
                return
        except Exception:  # the stream does not exist yet
            pass
        time.sleep(0.1)
    raise RuntimeError("the badges consumer did not start")


def applied(world):
    return world.query(
        f"SELECT COUNT(*) FROM core_consumedevent WHERE group_id = '{GROUP}' AND status IN ('done', 'skipped_stale')"
    )


def badge_counts(world):
    def count(where):
        return world.query(
            "SELECT COUNT(*) FROM credentials_usercredential u JOIN badges_localbadge b "
            f"ON b.usercredential_ptr_id = u.id WHERE u.username LIKE 'badge_%' {where}"
        )

    def outbox(kind):
        return world.query(
            f"SELECT COUNT(*) FROM core_outboxevent WHERE event_type = 'org.openedx.learning.badge.{kind}.v1'"
        )

    return {
        "badges": count(""),
        "awarded": count("AND u.status = 'awarded'"),
        "revoked": count("AND u.status = 'revoked'"),
        "BADGE_AWARDED": outbox("awarded"),
        "BADGE_REVOKED": outbox("revoked"),
    }


def run(args, redis_client):
    learners = list(range(args.learners))
    awards, revocations = expected(learners)
    world = badge_world(args)
    lms = fake_lms(world)
    try:
        start_consumer(world)
        wait_until_listening(world, redis_client)  # the consumer's start-up (Django, migrations check) is not timed
        started = time.monotonic()
        events = publish_rounds(lms, learners)
        print(f"  published {events:,} COURSE_PASSING_STATUS_UPDATED in {time.monotonic() - started:.1f} s")
        while applied(world) < events and time.monotonic() - started < args.timeout:
            time.sleep(0.2)
        seconds = time.monotonic() - started
        done = applied(world)
        world.stop_consumers()
        counts = badge_counts(world)
        by_outcome, _ = world.outcomes()
        print(f"  consumed {done:,} events in {seconds:.1f} s: {done / seconds:,.0f} events/s (publishing included)")
        print(f"  handling outcomes: {dict(by_outcome)} (ignored = our own BADGE_* events on the same stream)")
        print(
            f"  awards made: {counts['BADGE_AWARDED']:,} (expected {awards:,}); revocations: "
            f"{counts['BADGE_REVOKED']:,} (expected {revocations:,}); badges awarded now: {counts['awarded']:,}"
        )
        ok = (
            done == events
            and counts["BADGE_AWARDED"] == counts["badges"] == awards
            and counts["BADGE_REVOKED"] == counts["revoked"] == revocations
            and counts["awarded"] == awards - revocations
        )
        sample = world.manage(
            "shell", "-v", "0", "-c", f"from bench.badge_events import sample_queries; sample_queries({args.sample})"
        )
        print("\n".join(line for line in sample.stdout.splitlines() if line.startswith("  queries")))
        ok = ok and "CONSTANT" in sample.stdout
        print(f"  {'PASS' if ok else 'FAIL'}: exactly {awards:,} awards and {revocations:,} revocations")
        return ok
    finally:
        lms.close()
        world.cleanup_redis(redis_client)


def consume_one(consumer):
    """Read and handle one new entry the way the consumer's loop does (its per-entry step); its outcome."""
    response = consumer.client.xreadgroup(consumer.group_id, consumer.consumer_name, {consumer.stream: ">"}, count=1)
    entries = response[0][1] if response else []
    if not entries:
        return None
    msg_id, fields = entries[0]
    return consumer._handle(msg_id, fields, deliveries=1)


def sample_queries(learners):
    """In the service's process: events of ``learners`` new learners consumed one by one, counting the SQL
    statements of each: those of the event's transaction (the consumer's bookkeeping and the processing, up to
    COMMIT; constant for events doing the same work) and those after commit (outbox sends and the issuer, here
    the local Open Badges issuer signing the badge, reported only). BENCH_SHOW_QUERIES=1 prints them."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.fake_lms import FakeLms
    from credentials.apps.badges.models import LocalBadgeTemplate
    from credentials.apps.core.event_bus import RedisEventConsumer

    lms = FakeLms()
    consumer = RedisEventConsumer(topic=TOPIC, group_id=GROUP, consumer_name="bench.sample")
    consumer.consume_available()  # catch up with our own BADGE_* entries first
    ContentType.objects.get_for_model(LocalBadgeTemplate)  # cached for a consumer process's life
    base = 1_000_000
    publish_rounds(lms, [base + i * 4 + 1 for i in range(learners)])  # learners passing all 10 courses
    by_awards = defaultdict(list)
    while True:
        with CaptureQueriesContext(connection) as queries:
            outcome = consume_one(consumer)
        if outcome is None:
            break
        if outcome != "ok":
            continue  # our own BADGE_* events coming back
        awards = sum(
            'INSERT INTO "badges_localbadge"' in q["sql"] or "INSERT INTO `badges_localbadge`" in q["sql"]
            for q in queries
        )
        statements = [q["sql"] for q in queries]
        in_transaction = statements.index("COMMIT") + 1 if "COMMIT" in statements else len(statements)
        by_awards[awards].append((in_transaction, len(statements) - in_transaction))
        if os.environ.get("BENCH_SHOW_QUERIES"):
            print(awards, len(queries), *[q["sql"][:90] for q in queries], sep="\n    ")
    lms.close()
    consumer.client.close()
    constant = all(len({inside for inside, _ in counts}) == 1 for counts in by_awards.values())
    for awards, counts in sorted(by_awards.items()):
        inside = sorted({inside for inside, _ in counts})
        after = sorted({after for _, after in counts})
        print(
            f"  queries per event awarding {awards} badge(s): {inside} in its transaction, {after} after commit "
            f"(over {len(counts)} events)"
        )
    print(f"  queries per event: {'CONSTANT' if constant else 'VARYING'} for events doing the same work")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--sample", type=int, default=20, help="New learners whose events are counted in-process.")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL") or f"sqlite:///{REPO}/var/bench-badges.sqlite3"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--log-dir", type=Path, default=REPO / "var" / "bench-events")
    args = parser.parse_args()
    args.log_dir.mkdir(parents=True, exist_ok=True)
    import redis

    print(f"badges: {args.learners * COURSES:,} passing-status events, {args.learners:,} learners, {COURSES} templates")
    return 0 if run(args, redis.Redis.from_url(args.redis_url)) else 1


if __name__ == "__main__":
    sys.exit(main())
