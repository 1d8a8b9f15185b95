"""Event-bus benchmark and redelivery soak: the fake LMS publishes CERTIFICATE_CREATED events to Redis, real
``manage.py consume_events`` processes award the course credentials, then the database is checked.

    make bench-events                                   # 10,000 events: a clean run, then one with the consumer
                                                        # SIGKILLed and restarted twice; then the badges run
                                                        # (bench/badge_events.py: 10,000 passing-status events)
    BENCH_EVENTS_ARGS=--badges-only make bench-events   # the badges run alone (--skip-badges: without it)
    .venv/bin/python bench/event_bus.py --events 2000 --soak     # Redis restarted (SIGKILL) mid-run

Each run: a fresh database (DATABASE_URL, default a SQLite file in var/), one site and 100 course runs,
EVENT_BUS_TOPIC_PREFIX unique to the run (its keys deleted afterwards). It prints what it measured here:
publish and consume rates, credentials created, how many events each handling outcome saw, and whether every
event was applied exactly once. The soak uses a private redis-server (--soak-port, AOF fsync always, data in
var/) that it SIGKILLs and restarts while the LMS publishes and the consumer consumes; the shared Redis is
never restarted. Exit status 0 when every check passed.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TOPIC = "learning-certificate-lifecycle"
GROUP = "credentials.learning-certificate-lifecycle"
RUNS = 100
HANDLED = re.compile(r"Event handled: type=\S+ id=(\S+) outcome=(\w+)")


def run_key(index):
    return f"course-v1:BenchX+C{index % RUNS}+2026"


class World:
    """A database and a Redis topic prefix for one run, and the consumer processes that work on them."""

    def __init__(self, *, database_url, redis_url, log_dir):
        self.prefix = f"bench{uuid.uuid4().hex[:8]}"
        self.database_url = database_url
        self.redis_url = redis_url
        self.log_dir = log_dir
        self.consumers = []
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="credentials.settings.local",
            DEBUG="false",
            LOG_LEVEL="INFO",
            DATABASE_URL=database_url,
            EVENT_BUS_REDIS_CONNECTION_URL=redis_url,
            EVENT_BUS_TOPIC_PREFIX=self.prefix,
            EVENT_BUS_REDIS_AUDIT_LOGGING_ENABLED="false",
            EVENT_BUS_REDIS_STREAM_MAX_LEN="100000",
            EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT="1",
            EVENT_BUS_REDIS_CLAIM_INTERVAL_S="2",
            EVENT_BUS_REDIS_CLAIM_IDLE_MS="5000",
        )

    def manage(self, *args, check=True):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=self.env, check=check, capture_output=True, text=True
        )

    def create_database(self):
        if self.database_url.startswith("sqlite:///"):
            Path(self.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            name = self.database_url.rsplit("/", 1)[1]
            subprocess.run(
                ["mysql", "-uroot", "-h127.0.0.1", "-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"],
                check=True,
            )
        self.manage("migrate", "--noinput", "-v0")
        seed = (
            "from credentials.apps.catalog.models import Course, CourseRun\n"
            "from django.contrib.sites.models import Site\n"
            "import uuid\n"
            "site = Site.objects.get(pk=1)\n"
            f"for i in range({RUNS}):\n"
            "    course = Course.objects.create(site=site, uuid=uuid.uuid4(), key=f'BenchX+C{i}', title=f'C{i}')\n"
            "    CourseRun.objects.create(course=course, uuid=uuid.uuid4(), key=f'course-v1:BenchX+C{i}+2026')\n"
        )
        self.manage("shell", "-c", seed)

    def start_consumer(self, name="bench.1"):
        log_path = self.log_dir / f"{self.prefix}-consumer-{len(self.consumers)}.log"
        log_file = open(log_path, "w")  # noqa: SIM115  (closed by stop_consumers)
        extra = f'{{"consumer_name": "{name}", "check_backlog": true}}'
        process = subprocess.Popen(
            [sys.executable, "manage.py", "consume_events", "-t", TOPIC, "-g", GROUP, "--extra", extra],
            cwd=REPO,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        self.consumers.append((process, log_file, log_path))
        return process

    def stop_consumers(self, sig=signal.SIGTERM):
        codes = []
        for process, log_file, _ in self.consumers:
            if process.poll() is None:
                process.send_signal(sig)
            codes.append(process.wait(timeout=60))
            log_file.close()
        return codes

    def outcomes(self):
        """Counter of outcomes, and of "ok" per event id, over every consumer process's log."""
        by_outcome, ok_per_event = Counter(), Counter()
        for _, _, log_path in self.consumers:
            for event_id, outcome in HANDLED.findall(log_path.read_text()):
                by_outcome[outcome] += 1
                if outcome == "ok":
                    ok_per_event[event_id] += 1
        return by_outcome, ok_per_event

    def query(self, sql):
        if self.database_url.startswith("sqlite:///"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as connection:
                return connection.execute(sql).fetchone()[0]
        name = self.database_url.rsplit("/", 1)[1]
        output = subprocess.run(
            ["mysql", "-uroot", "-h127.0.0.1", "-N", "-B", name, "-e", sql], check=True, capture_output=True, text=True
        )
        return int(output.stdout.strip())

    def credentials(self):
        return self.query("SELECT COUNT(*) FROM credentials_usercredential WHERE username LIKE 'bench_%'")

    def distinct_learners(self):
        return self.query(
            "SELECT COUNT(DISTINCT username) FROM credentials_usercredential WHERE username LIKE 'bench_%'"
        )

    def applied_events(self):
        return self.query(f"SELECT COUNT(*) FROM core_consumedevent WHERE group_id = '{GROUP}' AND status = 'done'")

    def cleanup_redis(self, client):
        for key in client.scan_iter(match=f"{self.prefix}-*", count=1000):
            client.delete(key)
        for key in client.scan_iter(match=f"event-bus:heartbeat:{self.prefix}-*", count=1000):
            client.delete(key)


def fake_lms(world, url=None):
    from bench.fake_lms import FakeLms

    return FakeLms(url or world.redis_url, prefix=world.prefix)


def publish(lms, index, *, retry_for=0.0):
    """Publish learner ``index``'s certificate; with ``retry_for``, retry while Redis is down (as the LMS's
    outbox-less producer cannot, the soak's LMS must not lose its own events: only ours are under test)."""
    deadline = time.monotonic() + retry_for
    while True:
        try:
            return lms.publish(
                "certificate-created",
                username=f"bench_{index}",
                lms_user_id=100_000 + index,
                course_key=run_key(index),
            )
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wait_for(world, expected, *, timeout, kill_at=(), restart=True):
    """Wait until ``expected`` events are applied; SIGKILL the running consumer when the count passes each
    of ``kill_at`` (and start a new one). Returns seconds waited, or None on timeout."""
    started = time.monotonic()
    kill_at = list(kill_at)
    while time.monotonic() - started < timeout:
        applied = world.applied_events()
        if kill_at and applied >= kill_at[0]:
            kill_at.pop(0)
            process = world.consumers[-1][0]
            process.kill()
            process.wait()
            print(f"  consumer SIGKILLed after {applied} events applied; restarting it")
            if restart:
                world.start_consumer()
        if applied >= expected:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def report(world, events, seconds, label):
    by_outcome, ok_per_event = world.outcomes()
    credentials, learners = world.credentials(), world.distinct_learners()
    applied = world.applied_events()
    twice = sum(1 for count in ok_per_event.values() if count > 1)
    rate = f"{events / seconds:,.0f} events/s ({seconds:.1f} s)" if seconds else "TIMED OUT"
    print(f"  {label}: consumed {rate}")
    print(f"  credentials created: {credentials:,} for {learners:,} learners; events applied: {applied:,}")
    print(f"  handling outcomes: {dict(by_outcome)}; events applied twice: {twice}")
    ok = seconds is not None and credentials == events == learners == applied and twice == 0
    print(f"  {'PASS' if ok else 'FAIL'}: exactly {events:,} credentials, none twice")
    return ok


def bench_run(args, redis_client, *, kills):
    world = World(database_url=args.database_url, redis_url=args.redis_url, log_dir=args.log_dir)
    world.create_database()
    lms = fake_lms(world)
    try:
        world.start_consumer()
        started = time.monotonic()
        for index in range(args.events):
            publish(lms, index)
        publish_seconds = time.monotonic() - started
        print(
            f"  published {args.events:,} CERTIFICATE_CREATED in {publish_seconds:.1f} s "
            f"({args.events / publish_seconds:,.0f} events/s, fake LMS, one connection)"
        )
        step = args.events // (kills + 1)
        seconds = wait_for(world, args.events, timeout=args.timeout, kill_at=[step * (i + 1) for i in range(kills)])
        total = time.monotonic() - started
        codes = world.stop_consumers()
        print(f"  consumer exit status after SIGTERM: {codes[-1]}")
        return report(world, args.events, seconds and total, f"{kills} consumer kill(s)")
    finally:
        lms.close()
        world.cleanup_redis(redis_client)


class PrivateRedis:
    def __init__(self, port, directory):
        self.port, self.directory, self.process = port, directory, None

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken: not starting a private redis-server there")
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self):
        self.process.kill()
        self.process.wait()


def soak(args):
    """Redis SIGKILLed and restarted twice while the LMS publishes and the consumer consumes."""
    directory = REPO / "var" / "bench-events-redis"
    shutil.rmtree(directory, ignore_errors=True)
    url = f"redis://127.0.0.1:{args.soak_port}/0"
    world = World(database_url=args.database_url, redis_url=url, log_dir=args.log_dir)
    world.create_database()
    redis_server = PrivateRedis(args.soak_port, directory)
    redis_server.start()
    lms = fake_lms(world, url)
    ok = False
    try:
        world.start_consumer()
        started = time.monotonic()
        restarts = {args.events // 3, 2 * args.events // 3}
        for index in range(args.events):
            if index in restarts:
                # Kill it while the consumer is busy with a backlog, so the outage lands mid-consumption.
                while world.applied_events() < index // 2:
                    time.sleep(0.2)
                redis_server.kill()
                print(f"  redis-server SIGKILLed after {index} events published; down for {args.soak_outage:g} s")
                time.sleep(args.soak_outage)
                redis_server.start()
            publish(lms, index, retry_for=30)
            time.sleep(args.soak_pause)
        seconds = wait_for(world, args.events, timeout=args.timeout)
        world.stop_consumers()
        ok = report(world, args.events, seconds and time.monotonic() - started, "Redis restarted twice")
    finally:
        lms.close()
        redis_server.kill()
        shutil.rmtree(directory, ignore_errors=True)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL") or f"sqlite:///{REPO}/var/bench-events.sqlite3"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--soak", action="store_true", help="Only the Redis-restart soak.")
    parser.add_argument("--soak-port", type=int, default=6391)
    parser.add_argument(
        "--soak-outage",
        type=float,
        default=10,
        help="Seconds Redis stays down (longer than redis-py's own reconnect retries, so the consumer sees it).",
    )
    parser.add_argument("--soak-pause", type=float, default=0.002, help="Seconds between the soak's publishes.")
    parser.add_argument("--log-dir", type=Path, default=REPO / "var" / "bench-events")
    parser.add_argument("--skip-badges", action="store_true", help="Without the badges run.")
    parser.add_argument("--badges-only", action="store_true", help="Only the badges run (bench/badge_events.py).")
    args = parser.parse_args()
    args.log_dir.mkdir(parents=True, exist_ok=True)
    print(f"event bus benchmark on {args.database_url.split('://')[0]}; logs in {args.log_dir}")
    print("(numbers from this machine, this run; other work may have shared the CPU)")
    if args.soak:
        print(f"soak: {args.events:,} events, private redis-server on {args.soak_port} restarted twice")
        return 0 if soak(args) else 1
    import redis

    client = redis.Redis.from_url(args.redis_url)
    results = []
    for kills in () if args.badges_only else (0, 2):
        print(f"run: {args.events:,} events, consumer killed and restarted {kills} time(s)")
        results.append(bench_run(args, client, kills=kills))
    if not args.skip_badges:
        results.append(badges_run(args, client))
    return 0 if all(results) else 1


def badges_run(args, client):
    """10 passing-status events per learner for events / 10 learners, 10 templates (bench/badge_events.py)."""
    from bench import badge_events

    badge_args = argparse.Namespace(
        learners=args.events // badge_events.COURSES,
        sample=20,
        database_url=args.database_url.replace("bench-events", "bench-badges"),
        redis_url=args.redis_url,
        timeout=max(args.timeout, 1800),
        log_dir=args.log_dir,
    )
    print(
        f"run: {badge_args.learners * badge_events.COURSES:,} passing-status events, {badge_args.learners:,} learners, "
        f"{badge_events.COURSES} badge templates"
    )
    return badge_events.run(badge_args, client)


if __name__ == "__main__":
    sys.exit(main())
