"""Concurrency soak with fault injection: the service as deployed (gunicorn, production settings, MariaDB,
memcached) under minutes of mixed traffic from many concurrent clients, then a check of the database
against every write the service acknowledged.

    make soak                                          # 3 minutes, no faults
    make soak SOAK_ARGS="--duration 600 --clients 32"
    make soak SOAK_ARGS="--faults all"                 # every fault below, in one run
    .venv/bin/python bench/soak.py --faults mariadb-restart --duration 60

Traffic (each client thread loops until the deadline): issue and re-issue course and program credentials
(attributes merged, date overrides), revoke (DELETE), status changes (PATCH), grades (form-encoded, as the
LMS posts them, with some stale retries), identical awards of one "hot" credential from every client at once,
credential lists (the learner's own and a superuser's), certificate pages, learner records (list, record
page, CSV, share, the public shared page and CSV, the records API), /health/.

Every client owns its learners, so the last write it got acknowledged for a credential or a grade is the
state the database must end in. Afterwards the soak checks: one row per learner and configuration (and per
learner and course run for grades), every acknowledged write present with its last acknowledged status,
attribute values and date override, stale grade retries ignored, one shared record per learner and
program, no response of another learner's data, and zero errors: a response other than the expected ones,
a 5xx outside a fault window, or a request that failed or timed out.

Faults (--faults a,b or all), on processes this script starts and owns:
  mariadb-restart  the app's MariaDB is a private instance (mariadb-install-db + mariadbd on --mariadb-port,
                   data in var/soak/), stopped for --outage seconds mid-run and started again: requests
                   during the outage must get 503 JSON quickly, the service must recover without a restart,
                   and no acknowledged write may be lost (clients retry unacknowledged writes, as the LMS does)
  mariadb-freeze   the private MariaDB is stopped with SIGSTOP for --outage seconds at 80% (a hung host: connections
                   stay open, nothing answers), then resumed; requests wait for it (there is no read timeout on
                   database connections: see tests/reliability/test_faults.py's xfail)
  memcached-kill   the private memcached (--memcached-port) is killed at 25% and restarted at 50%: no 5xx
  lms-blackhole    the LMS and discovery URLs point at a server that accepts connections and never answers:
                   certificate pages must still render (with the locally stored name) within the outbound
                   read timeout, and copy_catalog must give up within its retry budget and change nothing
Without a MariaDB fault the app uses the shared MariaDB (--database-url, database credentials_soak, dropped
and created again at the start); the shared server is never restarted.

Prints the numbers; --json writes them to a file (tests/reliability/ reads it). Exit status 0 when every
check passed.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
VAR = REPO / "var" / "soak"

JWT_ISSUER = {"ISSUER": "http://soak-lms/oauth2", "AUDIENCE": "soak-audience", "SECRET_KEY": "soak-secret-" + "s" * 32}
ADMIN = "soak_admin"  # a local superuser: DELETE (revoke) and lists of any learner
WORKER = "soak_lms_worker"  # the LMS's service worker: staff and Admins (issue, grades, status changes)
HOT_LEARNER = "soak_hot_learner"
FAULTS = ("mariadb-restart", "mariadb-freeze", "memcached-kill", "lms-blackhole")
WRITE_ATTEMPTS = 8  # an unacknowledged write is retried, as the LMS's tasks retry
ATTRIBUTE_NAMES = ("visible_date", "soak_a", "soak_b", "soak_c")
OUTAGE_GRACE_SECONDS = 3.0  # after the database is back: the time workers may take to reconnect
OUTBOUND_CONNECT_TIMEOUT = 1.0
OUTBOUND_READ_TIMEOUT = 2.0


# --- Processes -----------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(predicate, *, attempts, interval, what):
    for _ in range(attempts):
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}")


def stop_process(process, *, sig=signal.SIGTERM, group=False, wait=60):
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig) if group else process.send_signal(sig)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait()


class Memcached:
    """A memcached of our own (other engineers' tests flush the shared one)."""

    def __init__(self, port):
        self.port = port
        self.process = None

    @property
    def url(self):
        return f"memcached://127.0.0.1:{self.port}"

    def start(self):
        if port_is_open(self.port):
            raise RuntimeError(f"port {self.port} is taken: choose another --memcached-port")
        command = [shutil.which("memcached") or "/usr/bin/memcached", "-l", "127.0.0.1", "-p", str(self.port)]
        command += ["-U", "0", "-m", "64"] + (["-u", "root"] if os.geteuid() == 0 else [])
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_is_open(self.port), attempts=100, interval=0.05, what="memcached")
        return self

    def kill(self):
        stop_process(self.process, sig=signal.SIGKILL)
        wait_until(lambda: not port_is_open(self.port), attempts=100, interval=0.05, what="memcached to stop")

    stop = kill


class PrivateMariaDB:
    """A throw-away MariaDB (data directory under ``root``) that the soak may stop and start at will."""

    def __init__(self, root, port):
        self.root = Path(root)
        self.datadir = self.root / "data"
        self.port = port
        self.process = None

    def url(self, name):
        return f"mysql://root:@127.0.0.1:{self.port}/{name}"

    def install(self):
        if port_is_open(self.port):
            raise RuntimeError(f"port {self.port} is taken: choose another --mariadb-port")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        command = ["mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}", "--skip-test-db"]
        command += ["--auth-root-authentication-method=normal"] + (["--user=root"] if os.geteuid() == 0 else [])
        with open(self.root / "install.log", "wb") as log:
            subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True)
        return self

    def start(self):
        command = [
            shutil.which("mariadbd") or "/usr/sbin/mariadbd",
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.root / 'mysqld.sock'}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={self.root / 'mysqld.pid'}",
            f"--log-error={self.root / 'error.log'}",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=128M",
            "--max-connections=500",
        ] + (["--user=root"] if os.geteuid() == 0 else [])
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.ping, attempts=300, interval=0.1, what=f"MariaDB on port {self.port}")
        return self

    def ping(self):
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"mariadbd exited; see {self.root / 'error.log'}")
        result = subprocess.run(
            ["mysqladmin", "-uroot", "-h127.0.0.1", f"-P{self.port}", "--connect-timeout=1", "ping"],
            capture_output=True,
        )
        return result.returncode == 0

    def stop(self):
        stop_process(self.process, wait=120)
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


class BlackHole:
    """A TCP server that accepts every connection, reads what it is sent and never answers (a hung LMS or
    discovery). Connections are closed when the server stops."""

    def __init__(self):
        self.port = free_port()
        self.accepted = 0
        self._sockets = []
        self._listener = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port), backlog=128)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self):
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._sockets.append(connection)

    def stop(self):
        with contextlib.suppress(OSError):
            self._listener.close()
        for connection in self._sockets:
            with contextlib.suppress(OSError):
                connection.close()


class Gunicorn:
    """``gunicorn -c credentials/gunicorn_conf.py credentials.wsgi:application``, as the image runs it."""

    def __init__(self, env, port, log_path):
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.port = port
        self.log_path = log_path
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        if port_is_open(self.port):
            raise RuntimeError(f"port {self.port} is taken: choose another --port")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "credentials/gunicorn_conf.py", "credentials.wsgi:application"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                return requests.get(self.base_url + "/health/", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(healthy, attempts=300, interval=0.1, what="gunicorn")
        return self

    def stop(self):
        stop_process(self.process, group=True)


def manage(env, *args, timeout=600):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def create_database(url):
    import MySQLdb

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = MySQLdb.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    finally:
        connection.close()


# --- Seed data ------------------------------------------------------------------------------------------------


@dataclass
class World:
    """What the clients know about the seeded data."""

    base_url: str
    course_configurations: list  # [(configuration id, course run key, course run id)]
    program_configuration_id: int
    program_uuid: str
    program_run_keys: set
    pathway_id: int
    hot_run_key: str
    learners: list
    full_names: dict


def seed(*, learners, lms_url):
    """Site, catalog (a program of 4 courses and 6 other runs), configurations, users. Returns a World."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    from credentials.apps.catalog import api as catalog_api
    from credentials.apps.catalog.models import Course, CourseRun, Organization, Pathway, Program
    from credentials.apps.core.models import SiteConfiguration, User
    from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate

    site = Site.objects.get(pk=settings.SITE_ID)
    site.domain = site.name = "127.0.0.1"
    site.save()
    SiteConfiguration.objects.update_or_create(
        site=site,
        defaults={
            "platform_name": "Soak Academy",
            "lms_url_root": lms_url,
            "catalog_api_url": lms_url + "/api/v1/",
            "tos_url": "https://example.com/tos",
            "privacy_policy_url": "https://example.com/privacy",
            "homepage_url": "https://example.com",
            "company_name": "Soak",
            "certificate_help_url": "https://example.com/help",
            "records_help_url": "https://example.com/records-help",
            "records_enabled": True,
        },
    )
    organization = Organization.objects.create(
        site=site, uuid=uuid.uuid4(), key="SoakX", name="Soak University", certificate_logo_image_url=""
    )
    runs = []
    for index in range(10):
        course = Course.objects.create(
            site=site, uuid=uuid.uuid4(), key=f"SoakX+C{index}", title=f"Soak course {index}"
        )
        catalog_api.set_ordered(course, "owners", [organization])
        runs.append(CourseRun.objects.create(course=course, uuid=uuid.uuid4(), key=f"course-v1:SoakX+C{index}+2026"))
    configurations = [
        CourseCertificate.objects.create(
            site=site, course_id=run.key, course_run=run, certificate_type="verified", is_active=True
        )
        for run in runs
    ]
    program = Program.objects.create(
        site=site,
        uuid=uuid.uuid4(),
        title="Soak Program",
        type="Professional Certificate",
        type_slug="professional-certificate",
    )
    catalog_api.set_ordered(program, "course_runs", runs[:4])
    catalog_api.set_ordered(program, "authoring_organizations", [organization])
    program_configuration = ProgramCertificate.objects.create(
        site=site, program=program, program_uuid=program.uuid, is_active=True
    )
    pathway = Pathway.objects.create(
        site=site, uuid=uuid.uuid4(), name="Soak State University", org_name="Soak State", email="credit@example.com"
    )
    catalog_api.set_ordered(pathway, "programs", [program])

    User.objects.create_superuser(ADMIN, f"{ADMIN}@example.com", ADMIN)
    full_names = {}
    for name in learners:
        full_names[name] = f"Soak Learner {name.rsplit('_', 1)[-1]}"
        User.objects.create_user(name, f"{name}@example.com", name, full_name=full_names[name])
    return World(
        base_url="",
        course_configurations=[(c.pk, c.course_id, c.course_run_id) for c in configurations],
        program_configuration_id=program_configuration.pk,
        program_uuid=str(program.uuid),
        program_run_keys={run.key for run in runs[:4]},
        pathway_id=pathway.pk,
        hot_run_key=runs[9].key,
        learners=learners,
        full_names=full_names,
    )


def mint_token(username, *, administrator=False):
    import jwt

    now = int(time.time())
    claims = {
        "iss": JWT_ISSUER["ISSUER"],
        "aud": JWT_ISSUER["AUDIENCE"],
        "iat": now,
        "exp": now + 24 * 3600,
        "preferred_username": username,
        "administrator": administrator,
        "version": "1.2.0",
    }
    return jwt.encode(claims, JWT_ISSUER["SECRET_KEY"], algorithm="HS256")


# --- Traffic --------------------------------------------------------------------------------------------------


@dataclass
class Call:
    op: str
    status: int | None  # None: no response (connection error or timeout)
    started: float
    ended: float
    expected: tuple
    throttle_ok: bool = False
    detail: str = ""
    is_json_503: bool = False


@dataclass
class CredentialState:
    """What the database must hold for one (learner, configuration), from the acknowledged writes."""

    kind: str
    username: str
    configuration_id: int
    uuid: str | None = None
    status: str | None = None
    attributes: dict = field(default_factory=dict)
    date_override: str | None = None
    uncertain: bool = False  # a write was never acknowledged: its effect is unknown
    acknowledged: int = 0
    uuids_seen: set = field(default_factory=set)


@dataclass
class GradeState:
    username: str
    run_key: str
    percent: str | None = None
    letter: str | None = None
    updated_at: datetime | None = None
    uncertain: bool = False
    acknowledged: int = 0
    stale_ignored: int = 0


OP_WEIGHTS = {
    "award course": 20,
    "award program": 6,
    "revoke": 4,
    "change status": 4,
    "grade": 14,
    "hot award": 5,
    "list own": 7,
    "list as superuser": 6,
    "certificate page": 12,
    "records list": 3,
    "record page": 3,
    "record csv": 2,
    "share": 2,
    "shared page": 2,
    "shared csv": 2,
    "records api": 4,
    "health": 2,
}


class Client(threading.Thread):
    """One concurrent client. It owns ``learners``: nobody else writes their credentials or grades."""

    def __init__(self, index, world, learners, *, deadline, timeout, tokens, seed):
        super().__init__(name=f"client-{index}", daemon=True)
        self.world = world
        self.learners = learners
        self.deadline = deadline
        self.timeout = timeout
        self.tokens = tokens
        self.random = random.Random(seed)
        self.http = requests.Session()
        self.sessions = {}  # learner → signed-in requests.Session (records pages)
        self.calls = []
        self.credentials = {}  # (username, kind, configuration id) → CredentialState
        self.grades = {}  # (username, run key) → GradeState
        self.shared = {}  # username → shared record uuid hex (the program's)
        self.hot_uuids = set()
        self.hot_acknowledged = 0
        self.leaks = []
        self.content_errors = []
        self.clock = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=index)
        self.failure = None

    # - HTTP -
    def call(self, op, method, path, *, expected, session=None, throttle_ok=False, **kwargs):
        session = session or self.http
        started = time.monotonic()
        try:
            response = session.request(
                method, self.world.base_url + path, timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            self.calls.append(Call(op, None, started, time.monotonic(), expected, detail=type(exc).__name__))
            return None
        ended = time.monotonic()
        is_json_503 = False
        if response.status_code == 503:
            with contextlib.suppress(ValueError):
                body = response.json()
                # The API's and pages' 503 say why in "detail"; /health/ answers its own JSON.
                is_json_503 = "detail" in body or body.get("overall_status") == "UNAVAILABLE"
        detail = "" if response.status_code in expected else response.text[:300]
        self.calls.append(Call(op, response.status_code, started, ended, expected, throttle_ok, detail, is_json_503))
        return response

    def write(self, op, method, path, *, expected, throttle_ok=False, **kwargs):
        """A write, retried until acknowledged (at most WRITE_ATTEMPTS times), as the LMS's tasks retry.

        Returns (response, certain): the acknowledging response or None, and whether the outcome is known.
        It is not when the write was never acknowledged, or when an attempt got no answer at all (that attempt
        may still be running on the server and land after a later one).
        """
        delay, certain = 0.25, True
        for _ in range(WRITE_ATTEMPTS):
            response = self.call(op, method, path, expected=expected, throttle_ok=throttle_ok, **kwargs)
            if response is None:
                certain = False
            elif response.status_code in expected:
                return response, certain
            elif response.status_code == 429 and throttle_ok:
                return None, certain  # refused before anything was written
            elif response.status_code < 500:
                return None, False  # refused for good: an error, recorded by call()
            if time.monotonic() + delay > self.deadline + 30:
                break
            time.sleep(delay)
            delay = min(delay * 2, 4)
        return None, False

    def auth(self, username):
        return {"Authorization": f"JWT {self.tokens[username]}"}

    # - Operations -
    def credential_state(self, username, kind, configuration_id):
        key = (username, kind, configuration_id)
        if key not in self.credentials:
            self.credentials[key] = CredentialState(kind, username, configuration_id)
        return self.credentials[key]

    def acknowledge(self, state, body):
        state.acknowledged += 1
        state.uuid = body["uuid"]
        state.uuids_seen.add(body["uuid"])
        state.status = body["status"]
        if body["username"] != state.username:
            self.leaks.append(f"write for {state.username} answered with {body['username']}")

    def award_course(self):
        username = self.random.choice(self.learners)
        configuration_id, run_key, _ = self.random.choice(self.world.course_configurations[:9])
        state = self.credential_state(username, "course", configuration_id)
        status = "revoked" if self.random.random() < 0.2 else "awarded"
        attributes = self.random_attributes()
        date = None
        if self.random.random() < 0.4:
            date = f"2024-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}T00:00:00Z"
        body = {
            "username": username,
            "status": status,
            "credential": {"course_run_key": run_key, "mode": "verified", "type": "course-run"},
            "date_override": {"date": date} if date else None,
            "attributes": [{"name": name, "value": value} for name, value in attributes.items()],
        }
        response, certain = self.write(
            "award course", "POST", "/api/v2/credentials/", expected=(201,), json=body, headers=self.auth(WORKER)
        )
        state.uncertain |= not certain
        if response is None:
            return
        self.acknowledge(state, response.json())
        state.attributes.update(attributes)
        state.date_override = date
        if response.json()["date_override"] != ({"date": date} if date else None):
            self.content_errors.append(f"award course: date_override {response.json()['date_override']} != {date}")

    def award_program(self):
        username = self.random.choice(self.learners)
        state = self.credential_state(username, "program", self.world.program_configuration_id)
        status = "revoked" if self.random.random() < 0.2 else "awarded"
        attributes = self.random_attributes()
        body = {
            "username": username,
            "lms_user_id": 1000 + self.world.learners.index(username),
            "status": status,
            "credential": {"type": "program", "program_uuid": self.world.program_uuid},
            "attributes": [{"name": name, "value": value} for name, value in attributes.items()],
        }
        response, certain = self.write(
            "award program", "POST", "/api/v2/credentials/", expected=(201,), json=body, headers=self.auth(WORKER)
        )
        state.uncertain |= not certain
        if response is None:
            return
        self.acknowledge(state, response.json())
        state.attributes.update(attributes)

    def random_attributes(self):
        names = self.random.sample(ATTRIBUTE_NAMES, self.random.randint(0, 3))
        return {name: f"{name}-{self.random.randint(0, 10**6)}" for name in names}

    def known_credential(self):
        known = [state for state in self.credentials.values() if state.uuid]
        return self.random.choice(known) if known else None

    def revoke(self):
        state = self.known_credential()
        if state is None:
            return self.award_course()
        response, certain = self.write(
            "revoke", "DELETE", f"/api/v2/credentials/{state.uuid}/", expected=(200,), headers=self.auth(ADMIN)
        )
        state.uncertain |= not certain
        if response is None:
            return
        self.acknowledge(state, response.json())

    def change_status(self):
        state = self.known_credential()
        if state is None:
            return self.award_program()
        status = self.random.choice(["awarded", "revoked"])
        response, certain = self.write(
            "change status",
            "PATCH",
            f"/api/v2/credentials/{state.uuid}/",
            expected=(200,),
            json={"status": status},
            headers=self.auth(WORKER),
        )
        state.uncertain |= not certain
        if response is None:
            return
        self.acknowledge(state, response.json())

    def grade(self):
        username = self.random.choice(self.learners)
        _, run_key, _ = self.random.choice(self.world.course_configurations)
        key = (username, run_key)
        state = self.grades.setdefault(key, GradeState(username, run_key))
        stale = state.updated_at is not None and not state.uncertain and self.random.random() < 0.15
        if stale:
            updated_at = state.updated_at - timedelta(minutes=self.random.randint(1, 600))
        else:
            self.clock += timedelta(seconds=1, microseconds=self.random.randint(0, 999_999))
            updated_at = self.clock
        percent = f"0.{self.random.randint(0, 9999):04d}"
        letter = self.random.choice(["A", "B", "C", ""])
        form = {
            "username": username,
            "course_run": run_key,
            "letter_grade": letter,
            "percent_grade": percent,
            "verified": "True",
            "lms_last_updated_at": str(updated_at),  # as the LMS sends it: str(datetime)
        }
        response, certain = self.write(
            "grade", "POST", "/api/v2/grades/", expected=(200, 201), data=form, headers=self.auth(WORKER)
        )
        state.uncertain |= not certain
        if response is None:
            return
        body = response.json()
        state.acknowledged += 1
        if stale:
            if response.status_code != 200 or body["percent_grade"] != state.percent:
                self.content_errors.append(f"stale grade for {key} answered {response.status_code} {body}")
            state.stale_ignored += 1
            return
        if response.status_code != 201:
            self.content_errors.append(f"fresh grade for {key} answered {response.status_code}")
        state.percent, state.letter, state.updated_at = percent, letter, updated_at

    def hot_award(self):
        body = {
            "username": HOT_LEARNER,
            "credential": {"course_run_key": self.world.hot_run_key, "mode": "verified"},
            "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        }
        response, _ = self.write(
            "hot award", "POST", "/api/v2/credentials/", expected=(201,), json=body, headers=self.auth(WORKER)
        )
        if response is not None:
            self.hot_uuids.add(response.json()["uuid"])
            self.hot_acknowledged += 1

    def list_own(self):
        username = self.random.choice(self.learners)
        response = self.call(
            "list own",
            "GET",
            "/api/v2/credentials/",
            expected=(200,),
            throttle_ok=True,
            params={"username": username},
            headers=self.auth(username),
        )
        if response is not None and response.status_code == 200:
            self.check_listing(username, response.json(), awarded_only=False)

    def list_as_superuser(self):
        username = self.random.choice(self.learners)
        response = self.call(
            "list as superuser",
            "GET",
            "/api/v2/credentials/",
            expected=(200,),
            params={"username": username, "status": "awarded"},
            headers=self.auth(ADMIN),
        )
        if response is not None and response.status_code == 200:
            self.check_listing(username, response.json(), awarded_only=True)

    def check_listing(self, username, body, *, awarded_only):
        """Read-your-writes: the list holds exactly this client's acknowledged credentials of the learner."""
        listed = {item["uuid"]: item for item in body["results"]}
        if any(item["username"] != username for item in listed.values()):
            self.leaks.append(f"list of {username} holds {sorted({i['username'] for i in listed.values()})}")
        for state in self.credentials.values():
            if state.username != username or state.uuid is None or state.uncertain:
                continue
            should_be_listed = state.status == "awarded" or not awarded_only
            if should_be_listed != (state.uuid in listed):
                self.content_errors.append(
                    f"list of {username}: {state.kind} {state.uuid} {state.status} listed={state.uuid in listed}"
                )
            elif state.uuid in listed and listed[state.uuid]["status"] != state.status:
                self.content_errors.append(
                    f"list of {username}: {state.uuid} is {listed[state.uuid]['status']}, last acknowledged {state.status}"
                )

    def certificate_page(self):
        state = self.known_credential()
        if state is None:
            return self.award_course()
        expected = self.expected_certificate_statuses(state)
        response = self.call("certificate page", "GET", f"/credentials/{uuid.UUID(state.uuid).hex}/", expected=expected)
        if response is not None and response.status_code == 200:
            name = self.world.full_names[state.username]
            if name not in response.text:
                self.content_errors.append(f"certificate {state.uuid} does not name {name}")

    def expected_certificate_statuses(self, state):
        """200 for an awarded, visible certificate, 404 otherwise; both when a write's effect is unknown."""
        if state.uncertain:
            return (200, 404)
        if state.status != "awarded":
            return (404,)
        if state.kind == "course":
            return (200,)
        # A program certificate is visible once the learner has a course credential (any status) in its runs.
        runs = {cid for cid, key, _ in self.world.course_configurations if key in self.world.program_run_keys}
        supporting = [
            s
            for s in self.credentials.values()
            if s.username == state.username and s.kind == "course" and s.configuration_id in runs
        ]
        if any(s.uncertain for s in supporting):
            return (200, 404)
        return (200,) if any(s.uuid for s in supporting) else (404,)

    def learner_session(self, username):
        if username not in self.sessions:
            session = requests.Session()
            response = self.call(
                "sign in",
                "GET",
                f"/auto_auth/?username={username}&staff=false&superuser=false&next=/records/",
                expected=(302,),
                session=session,
            )
            if response is None or response.status_code != 302:
                return None
            self.sessions[username] = session
        return self.sessions[username]

    def records_list(self):
        username = self.random.choice(self.learners)
        session = self.learner_session(username)
        if session is not None:
            self.call("records list", "GET", "/records/", expected=(200,), session=session)

    def record_page(self):
        username = self.random.choice(self.learners)
        session = self.learner_session(username)
        if session is None:
            return
        response = self.call(
            "record page",
            "GET",
            f"/records/programs/{uuid.UUID(self.world.program_uuid).hex}/",
            expected=(200,),
            session=session,
        )
        if (
            response is not None
            and response.status_code == 200
            and self.world.full_names[username] not in response.text
        ):
            self.content_errors.append(f"record page of {username} does not name the learner")

    def record_csv(self):
        username = self.random.choice(self.learners)
        session = self.learner_session(username)
        if session is None:
            return
        response = self.call(
            "record csv",
            "GET",
            f"/records/programs/{uuid.UUID(self.world.program_uuid).hex}/csv",
            expected=(200,),
            session=session,
        )
        if response is not None and response.status_code == 200 and username not in response.text:
            self.content_errors.append(f"record CSV of {username} does not name the learner")

    def share(self):
        username = self.random.choice(self.learners)
        session = self.learner_session(username)
        if session is None:
            return
        if "credentials_csrftoken" not in session.cookies:
            self.call("csrf token", "GET", "/csrf/api/v1/token", expected=(200,), session=session)
        token = session.cookies.get("credentials_csrftoken", "")
        response, _ = self.write(
            "share",
            "POST",
            f"/records/programs/{uuid.UUID(self.world.program_uuid).hex}/share",
            expected=(200, 201),
            throttle_ok=True,
            session=session,
            json={"username": username},
            headers={"X-CSRFToken": token, "Referer": self.world.base_url + "/records/"},
        )
        if response is None:
            return
        record = response.json()["url"].rstrip("/").rsplit("/", 1)[-1]
        if self.shared.get(username, record) != record:
            self.content_errors.append(f"share of {username} answered {record}, earlier {self.shared[username]}")
        self.shared[username] = record

    def shared_page(self, csv=False):
        if not self.shared:
            return self.share()
        username, record = self.random.choice(sorted(self.shared.items()))
        path = f"/records/programs/shared/{record}/" + ("csv" if csv else "")
        response = self.call("shared csv" if csv else "shared page", "GET", path, expected=(200,))
        if response is not None and response.status_code == 200 and username not in response.text:
            self.content_errors.append(f"shared record {record} does not name {username}")

    def records_api(self):
        username = self.random.choice(self.learners)
        self.call(
            "records api", "GET", "/records/api/v1/program_records/", expected=(200,), headers=self.auth(username)
        )

    def health(self):
        self.call("health", "GET", "/health/", expected=(200,))

    def run(self):
        operations = {
            "award course": self.award_course,
            "award program": self.award_program,
            "revoke": self.revoke,
            "change status": self.change_status,
            "grade": self.grade,
            "hot award": self.hot_award,
            "list own": self.list_own,
            "list as superuser": self.list_as_superuser,
            "certificate page": self.certificate_page,
            "records list": self.records_list,
            "record page": self.record_page,
            "record csv": self.record_csv,
            "share": self.share,
            "shared page": self.shared_page,
            "shared csv": lambda: self.shared_page(csv=True),
            "records api": self.records_api,
            "health": self.health,
        }
        names, weights = list(OP_WEIGHTS), list(OP_WEIGHTS.values())
        try:
            while time.monotonic() < self.deadline:
                operations[self.random.choices(names, weights)[0]]()
        except Exception as exc:  # a bug in the soak itself must not pass silently
            self.failure = f"{type(exc).__name__}: {exc}"
            raise


def probe_limits(base_url, token, timeout):
    """Bodies over MAX_REQUEST_BODY_BYTES through the real server: a declared length over the limit gets 413
    JSON; a chunked body (no declared length) is never read past the limit and never a 5xx."""
    headers = {"Authorization": f"JWT {token}", "Content-Type": "application/json"}
    oversized = b'{"username": "' + b"x" * (1024 * 1024 + 1) + b'"}'

    def chunks():
        yield b'{"username": "'
        for _ in range(32):
            yield b"x" * 65536
        yield b'"}'

    calls = []
    for op, body, expected in (("oversized body", oversized, (413,)), ("chunked body", chunks(), (400, 411, 413))):
        started = time.monotonic()
        try:
            response = requests.post(base_url + "/api/v2/credentials/", data=body, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            calls.append(Call(op, None, started, time.monotonic(), expected, detail=type(exc).__name__))
            continue
        detail = "" if response.status_code in expected else response.text[:300]
        if op == "oversized body" and response.status_code == 413 and "detail" not in response.json():
            detail, expected = "413 without a JSON detail", ()
        calls.append(Call(op, response.status_code, started, time.monotonic(), expected, detail=detail))
    return calls


# --- Faults ---------------------------------------------------------------------------------------------------


@dataclass
class Window:
    name: str
    started: float
    ended: float | None = None
    notes: dict = field(default_factory=dict)


def restart_mariadb(mariadb, at, outage, windows, log):
    time.sleep(max(0.0, at - time.monotonic()))
    window = Window("mariadb-restart", time.monotonic())
    windows.append(window)
    log(f"fault: stopping MariaDB on port {mariadb.port} for {outage:g} s")
    mariadb.stop()
    window.notes["stopped_after_s"] = round(time.monotonic() - window.started, 2)
    time.sleep(outage)
    mariadb.start()
    window.ended = time.monotonic()
    window.notes["down_s"] = round(window.ended - window.started, 2)
    log(f"fault: MariaDB is back after {window.notes['down_s']} s")


def freeze_mariadb(mariadb, at, outage, windows, log):
    """SIGSTOP then SIGCONT: a database that still holds its connections but answers nothing (a hung host or
    a network partition), unlike a restart, where connections are refused at once."""
    time.sleep(max(0.0, at - time.monotonic()))
    window = Window("mariadb-freeze", time.monotonic())
    windows.append(window)
    log(f"fault: freezing MariaDB on port {mariadb.port} for {outage:g} s")
    mariadb.process.send_signal(signal.SIGSTOP)
    time.sleep(outage)
    mariadb.process.send_signal(signal.SIGCONT)
    window.ended = time.monotonic()
    log("fault: MariaDB answers again")


def kill_memcached(memcached, kill_at, restart_at, windows, log):
    time.sleep(max(0.0, kill_at - time.monotonic()))
    window = Window("memcached-kill", time.monotonic())
    windows.append(window)
    log(f"fault: killing memcached on port {memcached.port}")
    memcached.kill()
    time.sleep(max(0.0, restart_at - time.monotonic()))
    memcached.start()
    window.ended = time.monotonic()
    log("fault: memcached restarted")


def copy_catalog_against_blackhole(env, windows, log):
    window = Window("copy_catalog-blackhole", time.monotonic())
    windows.append(window)
    log("fault: copy_catalog against a discovery that never answers")
    result = manage(env, "copy_catalog", timeout=600)
    window.ended = time.monotonic()
    window.notes.update({"exit_status": result.returncode, "seconds": round(window.ended - window.started, 1)})
    window.notes["output"] = (result.stdout + result.stderr).strip().splitlines()[-3:]
    log(f"fault: copy_catalog exited {result.returncode} after {window.notes['seconds']} s")


# --- Checks ---------------------------------------------------------------------------------------------------


def classify(calls, windows):
    """Each call is ok, throttled, an expected outage answer (503 JSON during a database outage) or an error."""
    outages = [
        (w.started, (w.ended or time.monotonic()) + OUTAGE_GRACE_SECONDS)
        for w in windows
        if w.name in ("mariadb-restart", "mariadb-freeze")
    ]
    verdicts = []
    for call in calls:
        if call.status in call.expected:
            verdict = "ok"
        elif call.status == 429 and call.throttle_ok:
            verdict = "throttled"
        elif (
            call.status == 503
            and call.is_json_503
            and any(call.started <= end and call.ended >= start for start, end in outages)
        ):
            verdict = "outage 503"
        else:
            verdict = "error"
        verdicts.append(verdict)
    return verdicts


def merge_states(clients):
    credentials, grades, shared, hot_uuids = {}, {}, {}, set()
    hot_acknowledged = sum(client.hot_acknowledged for client in clients)
    for client in clients:
        credentials.update(client.credentials)
        grades.update(client.grades)
        shared.update(client.shared)
        hot_uuids |= client.hot_uuids
    return credentials, grades, shared, hot_uuids, hot_acknowledged


def check_database(world, credentials, grades, shared, hot_uuids, hot_acknowledged):
    """Compare the database with the acknowledged writes. Returns (numbers, problems)."""
    from django.db import connections
    from django.db.models import Count

    from credentials.apps.catalog.models import CourseRun, Program
    from credentials.apps.credentials import api as credentials_api
    from credentials.apps.credentials.models import UserCredential, UserCredentialAttribute
    from credentials.apps.records.models import ProgramCertRecord, UserGrade

    connections.close_all()  # the seeding connection may predate a database restart
    problems = []
    duplicates = (
        UserCredential.objects.values("username", "credential_content_type", "credential_id")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    problems += [f"{row['rows']} rows for {row}" for row in duplicates]
    attribute_duplicates = (
        UserCredentialAttribute.objects.values("user_credential", "name").annotate(rows=Count("id")).filter(rows__gt=1)
    )
    problems += [f"{row['rows']} attribute rows for {row}" for row in attribute_duplicates]

    course_type = credentials_api.course_content_type()
    rows = {
        (
            credential.username,
            "course" if credential.credential_content_type_id == course_type.pk else "program",
            credential.credential_id,
        ): credential
        for credential in UserCredential.objects.prefetch_related("attributes").select_related("date_override")
    }
    checked = lost = 0
    for key, state in credentials.items():
        if state.acknowledged == 0:
            continue
        row = rows.get(key)
        if row is None:
            lost += 1
            problems.append(f"acknowledged credential {key} is missing")
            continue
        checked += 1
        if len(state.uuids_seen) != 1 or str(row.uuid) not in state.uuids_seen:
            problems.append(f"{key}: uuid {row.uuid}, acknowledged {sorted(state.uuids_seen)}")
        if state.uncertain:
            continue
        if row.status != state.status:
            problems.append(f"{key}: status {row.status}, last acknowledged {state.status}")
        stored = {attribute.name: attribute.value for attribute in row.attributes.all()}
        if stored != state.attributes:
            problems.append(f"{key}: attributes {stored}, acknowledged {state.attributes}")
        if state.kind == "course":
            override = row.get_date_override()
            stored_date = override.date.strftime("%Y-%m-%dT%H:%M:%SZ") if override else None
            if stored_date != state.date_override:
                problems.append(f"{key}: date override {stored_date}, last acknowledged {state.date_override}")

    grade_rows = {(g.username, g.course_run.key): g for g in UserGrade.objects.select_related("course_run")}
    grade_duplicates = UserGrade.objects.values("username", "course_run").annotate(rows=Count("id")).filter(rows__gt=1)
    problems += [f"{row['rows']} grade rows for {row}" for row in grade_duplicates]
    grades_checked = stale_ignored = 0
    for key, state in grades.items():
        if state.acknowledged == 0:
            continue
        row = grade_rows.get(key)
        if row is None:
            lost += 1
            problems.append(f"acknowledged grade {key} is missing")
            continue
        grades_checked += 1
        stale_ignored += state.stale_ignored
        if state.uncertain or state.percent is None:
            continue
        if (str(row.percent_grade), row.letter_grade, row.lms_last_updated_at) != (
            state.percent,
            state.letter,
            state.updated_at,
        ):
            problems.append(
                f"grade {key}: {row.percent_grade} {row.letter_grade!r} {row.lms_last_updated_at}, "
                f"last acknowledged {state.percent} {state.letter!r} {state.updated_at}"
            )

    hot_rows = UserCredential.objects.filter(username=HOT_LEARNER)
    if hot_uuids and (hot_rows.count() != 1 or {str(hot_rows.get().uuid)} != hot_uuids):
        problems.append(f"hot credential: {hot_rows.count()} rows, acknowledged uuids {sorted(hot_uuids)}")
    elif hot_uuids and hot_rows.get().status != "awarded":
        problems.append("hot credential is not awarded")

    program = Program.objects.get(uuid=world.program_uuid)
    records = {r.user.username: r for r in ProgramCertRecord.objects.filter(program=program).select_related("user")}
    record_duplicates = (
        ProgramCertRecord.objects.values("user", "program").annotate(rows=Count("id")).filter(rows__gt=1)
    )
    problems += [f"{row['rows']} shared records for {row}" for row in record_duplicates]
    for username, record in shared.items():
        if username not in records or records[username].uuid.hex != record:
            problems.append(f"shared record of {username}: acknowledged {record}, stored {records.get(username)}")
    if CourseRun.objects.filter(key__in=world.program_run_keys).count() != len(world.program_run_keys):
        problems.append("catalog course runs went missing")

    numbers = {
        "credential_rows": UserCredential.objects.count(),
        "credentials_acknowledged": sum(1 for s in credentials.values() if s.acknowledged),
        "credential_writes_acknowledged": sum(s.acknowledged for s in credentials.values()),
        "credentials_checked": checked,
        "credentials_uncertain": sum(1 for s in credentials.values() if s.uncertain),
        "grade_rows": UserGrade.objects.count(),
        "grades_checked": grades_checked,
        "grade_writes_acknowledged": sum(s.acknowledged for s in grades.values()),
        "stale_grade_retries_ignored": stale_ignored,
        "hot_credential_awards_acknowledged": hot_acknowledged,
        "shared_records": len(shared),
        "acknowledged_writes_lost": lost,
    }
    return numbers, problems


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(calls, verdicts, windows, elapsed):
    by_op = defaultdict(list)
    for call, verdict in zip(calls, verdicts, strict=True):
        by_op[call.op].append((call, verdict))
    rows = []
    for op in sorted(by_op):
        entries = by_op[op]
        latencies = [(c.ended - c.started) * 1000 for c, _ in entries]
        statuses = Counter(str(c.status) for c, _ in entries)
        verdict_counts = Counter(v for _, v in entries)
        rows.append(
            {
                "op": op,
                "requests": len(entries),
                "statuses": dict(sorted(statuses.items())),
                "errors": verdict_counts["error"],
                "throttled": verdict_counts["throttled"],
                "outage_503": verdict_counts["outage 503"],
                "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1),
                "max_ms": round(max(latencies), 1),
            }
        )
    totals = Counter(verdicts)
    numbers = {
        "seconds": round(elapsed, 1),
        "requests": len(calls),
        "requests_per_second": round(len(calls) / elapsed, 1) if elapsed else 0,
        "errors": totals["error"],
        "throttled": totals["throttled"],
        "outage_503": totals["outage 503"],
        "max_latency_ms": round(max(((c.ended - c.started) * 1000 for c in calls), default=0), 1),
        "operations": rows,
    }
    for window in windows:
        grace = OUTAGE_GRACE_SECONDS if window.name.startswith("mariadb") else 0
        inside = [c for c in calls if window.ended and c.started <= window.ended + grace and c.ended >= window.started]
        window.notes["requests_during"] = len(inside)
        window.notes["statuses_during"] = dict(sorted(Counter(str(c.status) for c in inside).items()))
        window.notes["max_latency_during_ms"] = round(max(((c.ended - c.started) * 1000 for c in inside), default=0), 1)
        after = sorted(
            (c for c in calls if window.ended and c.started > window.ended and c.status and c.status < 500),
            key=lambda c: c.started,
        )
        if after:
            window.notes["first_success_after_s"] = round(after[0].ended - window.ended, 2)
        numbers.setdefault("faults", []).append({"fault": window.name, **window.notes})
    return numbers


def print_report(numbers, checks, problems, errors):
    print(
        f"\n{numbers['requests']} requests in {numbers['seconds']} s ({numbers['requests_per_second']} req/s), "
        f"max latency {numbers['max_latency_ms']} ms"
    )
    print(
        f"{'operation':20} {'requests':>8} {'errors':>6} {'429':>5} {'503':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses"
    )
    for row in numbers["operations"]:
        print(
            f"{row['op']:20} {row['requests']:8d} {row['errors']:6d} {row['throttled']:5d} {row['outage_503']:5d} "
            f"{row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['max_ms']:8.1f}  {row['statuses']}"
        )
    for fault in numbers.get("faults", []):
        print(f"fault {fault['fault']}: " + ", ".join(f"{k}={v}" for k, v in fault.items() if k != "fault"))
    print("\ndatabase check: " + ", ".join(f"{k}={v}" for k, v in checks.items()))
    print(f"errors: {numbers['errors']}, problems: {len(problems)}")
    for line in (errors + problems)[:40]:
        print("  " + line)


# --- Main -----------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=180, help="seconds of traffic (default 180)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--learners-per-client", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--faults", default="", help=f"comma-separated: {', '.join(FAULTS)}, or all")
    parser.add_argument("--outage", type=float, default=5, help="seconds MariaDB stays down (default 5)")
    parser.add_argument("--timeout", type=float, default=20, help="client timeout per request, seconds (default 20)")
    parser.add_argument("--port", type=int, default=8411, help="gunicorn port (default 8411)")
    parser.add_argument("--memcached-port", type=int, default=11411, help="private memcached port (default 11411)")
    parser.add_argument("--mariadb-port", type=int, default=3406, help="private MariaDB port (default 3406)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", "mysql://root:@127.0.0.1:3306/credentials_soak"),
        help="the database without mariadb-restart (dropped and created again; default credentials_soak)",
    )
    parser.add_argument("--private-mariadb", action="store_true", help="use a private MariaDB even without faults")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--workdir", default=str(VAR), help="logs, static files, private MariaDB (default var/soak)")
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    faults = {f.strip() for f in args.faults.split(",") if f.strip()}
    if "all" in faults:
        faults = set(FAULTS)
    unknown = faults - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    args.faults = faults
    return args


def main(argv=None):
    args = parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started_at = time.monotonic()

    def log(message):
        print(f"[{time.monotonic() - started_at:7.1f}s] {message}", flush=True)

    processes = []
    mariadb = None
    try:
        memcached = Memcached(args.memcached_port).start()
        processes.append(memcached)
        if {"mariadb-restart", "mariadb-freeze"} & args.faults or args.private_mariadb:
            mariadb = PrivateMariaDB(workdir / f"mariadb-{args.mariadb_port}", args.mariadb_port).install().start()
            processes.append(mariadb)
            database_url = mariadb.url("credentials_soak")
            log(f"private MariaDB on port {args.mariadb_port}")
        else:
            database_url = args.database_url
        create_database(database_url)
        blackhole = BlackHole().start()
        processes.append(blackhole)
        lms_url = blackhole.url if "lms-blackhole" in args.faults else f"http://127.0.0.1:{free_port()}"  # closed port

        static_root = workdir / "static"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(
                ("DJANGO_", "DATABASE_", "CACHE_", "MEMCACHED_", "GUNICORN_", "JWT_", "BACKEND_SERVICE_")
            )
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "credentials.settings.production",
                "SECRET_KEY": "soak-secret-key-" + "k" * 40,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "JWT_ISSUERS": json.dumps([JWT_ISSUER]),
                "DATABASE_URL": database_url,
                "CACHE_URL": memcached.url,
                "CONN_MAX_AGE": "60",
                "ENABLE_AUTO_AUTH": "true",  # the records pages need a session; the LMS's SSO is not here
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "STATIC_ROOT": str(static_root),
                "MEDIA_ROOT": str(workdir / "media"),
                "LOG_LEVEL": "WARNING",
                "GUNICORN_WORKERS": str(args.workers),
                "GUNICORN_TIMEOUT": "60",
                "BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL": lms_url + "/oauth2",
                "BACKEND_SERVICE_CONNECT_TIMEOUT": str(OUTBOUND_CONNECT_TIMEOUT),
                "BACKEND_SERVICE_READ_TIMEOUT": str(OUTBOUND_READ_TIMEOUT),
                "BACKEND_SERVICE_RETRIES": "1",
                "BACKEND_SERVICE_RETRY_BACKOFF": "0.2",
            }
        )
        log("migrate and collectstatic")
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            result = manage(env, *command)
            if result.returncode:
                raise RuntimeError(f"manage.py {command[0]} failed:\n{result.stdout}\n{result.stderr}")

        os.environ.update(env)
        import django

        django.setup()
        learners = [f"soak_learner_{n}" for n in range(args.clients * args.learners_per_client)]
        world = seed(learners=learners, lms_url=lms_url)
        server = Gunicorn(env, args.port, workdir / "server.log").start()
        processes.append(server)
        world.base_url = server.base_url
        tokens = {name: mint_token(name) for name in [*learners, ADMIN]}
        tokens[WORKER] = mint_token(WORKER, administrator=True)
        log(
            f"gunicorn ({args.workers} workers) on {server.base_url}; {args.clients} clients for {args.duration:g} s; faults: {', '.join(sorted(args.faults)) or 'none'}"
        )

        limit_calls = probe_limits(server.base_url, tokens[WORKER], args.timeout)
        traffic_started = time.monotonic()
        deadline = traffic_started + args.duration
        clients = [
            Client(
                index,
                world,
                learners[index :: args.clients],
                deadline=deadline,
                timeout=args.timeout,
                tokens=tokens,
                seed=args.seed * 1000 + index,
            )
            for index in range(args.clients)
        ]
        windows, fault_threads = [], []
        if "memcached-kill" in args.faults:
            at = traffic_started + args.duration * 0.25
            fault_threads.append(
                threading.Thread(
                    target=kill_memcached, args=(memcached, at, traffic_started + args.duration * 0.5, windows, log)
                )
            )
        if "mariadb-restart" in args.faults:
            at = traffic_started + args.duration * 0.6
            fault_threads.append(
                threading.Thread(target=restart_mariadb, args=(mariadb, at, args.outage, windows, log))
            )
        if "mariadb-freeze" in args.faults:
            at = traffic_started + args.duration * 0.8
            fault_threads.append(threading.Thread(target=freeze_mariadb, args=(mariadb, at, args.outage, windows, log)))
        if "lms-blackhole" in args.faults:
            fault_threads.append(threading.Thread(target=copy_catalog_against_blackhole, args=(env, windows, log)))
        for thread in clients + fault_threads:
            thread.start()
        for thread in fault_threads:
            thread.join()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - traffic_started
        log("traffic done; checking the database")

        calls = limit_calls + [call for client in clients for call in client.calls]
        verdicts = classify(calls, windows)
        numbers = report(calls, verdicts, windows, elapsed)
        checks, problems = check_database(world, *merge_states(clients))
        problems += [f"client {c.name} crashed: {c.failure}" for c in clients if c.failure]
        problems += [leak for c in clients for leak in c.leaks]
        problems += [error for c in clients for error in c.content_errors]
        errors = [
            f"{call.op}: {call.status} (expected {'/'.join(map(str, call.expected))}) {call.detail}".strip()
            for call, verdict in zip(calls, verdicts, strict=True)
            if verdict == "error"
        ]
        problems += fault_problems(args, numbers, windows, calls)
        print_report(numbers, checks, problems, errors)
        summary = {
            **numbers,
            "database": checks,
            "problems": problems,
            "error_samples": errors[:50],
            "faults_requested": sorted(args.faults),
        }
        if args.json:
            Path(args.json).write_text(json.dumps(summary, indent=2, default=str))
        return 0 if not errors and not problems else 1
    finally:
        for process in reversed(processes):
            with contextlib.suppress(Exception):
                process.stop()
        if mariadb is not None:
            mariadb.remove()


def fault_problems(args, numbers, windows, calls):
    """What each fault must have shown, beyond zero errors."""
    problems = []
    if "mariadb-restart" in args.faults:
        window = next((w for w in windows if w.name == "mariadb-restart"), None)
        if window is None or window.ended is None:
            problems.append("MariaDB was not restarted")
        elif numbers["outage_503"] == 0:
            problems.append("no request got a 503 during the database outage")
        elif "first_success_after_s" not in window.notes:
            problems.append("no request succeeded after the database came back")
        if window and window.notes.get("max_latency_during_ms", 0) > args.timeout * 1000:
            problems.append("a request hung past the client timeout during the outage")
    if "lms-blackhole" in args.faults:
        database_faults = [
            (w.started, (w.ended or w.started) + OUTAGE_GRACE_SECONDS) for w in windows if w.name.startswith("mariadb")
        ]
        pages = [  # a page that waited for a stopped or frozen database says nothing about the LMS timeout
            c
            for c in calls
            if c.op == "certificate page"
            and c.status == 200
            and not any(c.started <= end and c.ended >= start for start, end in database_faults)
        ]
        bound_ms = (OUTBOUND_CONNECT_TIMEOUT + OUTBOUND_READ_TIMEOUT + 3) * 1000
        slowest = max(((c.ended - c.started) * 1000 for c in pages), default=0)
        numbers["certificate_page_max_ms_with_lms_blackhole"] = round(slowest, 1)
        if not pages:
            problems.append("no certificate page rendered while the LMS never answered")
        elif slowest > bound_ms:
            problems.append(f"a certificate page took {slowest:.0f} ms with the LMS hung (bound {bound_ms:.0f} ms)")
        window = next((w for w in windows if w.name == "copy_catalog-blackhole"), None)
        retries_budget = 2 * (OUTBOUND_CONNECT_TIMEOUT + OUTBOUND_READ_TIMEOUT) + 0.2 + 30  # 1 retry, + start-up
        if window is None or window.notes.get("exit_status") != 1:
            problems.append(f"copy_catalog against a hung discovery: {window and window.notes}")
        elif window.notes["seconds"] > retries_budget:
            problems.append(f"copy_catalog took {window.notes['seconds']} s to give up (bound {retries_budget} s)")
    return problems


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
