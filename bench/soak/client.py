"""One concurrent client thread: sends calls, retries unacknowledged writes, records what it saw."""

import contextlib
import random
import threading
import time
from datetime import UTC, datetime, timedelta

import requests

from bench.soak.config import WRITE_ATTEMPTS
from bench.soak.states import Call, CredentialState
from bench.soak.workloads import OP_WEIGHTS, Workloads


class Client(Workloads, threading.Thread):
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
