"""HTTP benchmark of the service as deployed: gunicorn (2 workers, production settings, DEBUG off) on
MariaDB + memcached, loaded by wrk (-t2 -c4, as upstream was measured).

    make bench-http            # or: .venv/bin/python bench/http_bench.py [--duration 10] [--only NAME]

For each scenario it prints requests/s, p50/p99 latency, the SQL statements one request makes (measured
in-process with the same settings) and, where known, upstream's throughput on this machine. Scenarios are
the SCENARIOS list below; each names the seeding it needs. Needs: wrk (apt-get install wrk), a MariaDB
(DATABASE_URL, default database credentials_bench on 127.0.0.1) and memcached (CACHE_URL).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PORT = int(os.environ.get("BENCH_PORT", "8399"))
HOST = "127.0.0.1"
BASE_URL = f"http://{HOST}:{PORT}"
JWT_ISSUER = {
    "ISSUER": "http://bench-lms/oauth2",
    "AUDIENCE": "bench-audience",
    "SECRET_KEY": "bench-secret-" + "x" * 32,
}
BENCH_LEARNER = "bench_learner"
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "credentials.settings.production",
    "SECRET_KEY": "bench-secret-key-" + "y" * 40,
    "ALLOWED_HOSTS": f"{HOST},localhost",
    "SECURE_SSL_REDIRECT": "false",
    "JWT_ISSUERS": json.dumps([JWT_ISSUER]),
    "DATABASE_URL": os.environ.get("DATABASE_URL", "mysql://root:@127.0.0.1:3306/credentials_bench"),
    "CACHE_URL": os.environ.get("CACHE_URL", "memcached://127.0.0.1:11211"),
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "INFO",  # production logs one JSON line per request; so does the benchmark
}


@dataclass
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: dict | None = None
    token: str = "worker"  # "worker" (the LMS's staff service user), "learner" or "" (anonymous)
    unique_username: bool = False  # POST bodies get a fresh username per request ("__USERNAME__")
    upstream_rps: float | None = None
    path_from_seed: str | None = None  # key of the seed result holding the path (when it needs ids)
    extra: dict = field(default_factory=dict)


def seeded_paths():
    """Create the benchmark data (idempotently) and return what scenarios need to know about it."""
    import django

    django.setup()
    from bench import records_seed, seed

    values = seed.seed_all(learner=BENCH_LEARNER)
    return {**values, **records_seed.seed_records(seed.seed_site(), learner=BENCH_LEARNER)}


SCENARIOS = [
    Scenario("health (floor)", "/health/", token="", upstream_rps=886),
    Scenario(
        "issue course credential, new learner",
        "/api/v2/credentials/",
        method="POST",
        body={
            "username": "__USERNAME__",
            "credential": {"course_run_key": "__COURSE_RUN__", "mode": "verified"},
            "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        },
        unique_username=True,
        upstream_rps=116,
    ),
    Scenario(
        "re-issue program credential",
        "/api/v2/credentials/",
        method="POST",
        body={
            "username": BENCH_LEARNER,
            "lms_user_id": 7,
            "credential": {"program_uuid": "__PROGRAM_UUID__"},
            "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        },
        upstream_rps=96,
    ),
    Scenario("list a learner's credentials (20)", f"/api/v2/credentials/?username={BENCH_LEARNER}", upstream_rps=106),
    Scenario(
        "certificate page, anonymous, warm cache",
        "/credentials/__PROGRAM_CREDENTIAL_UUID__/",
        token="",
        upstream_rps=91,
    ),
    # Verifiable credentials (issue 16): the signed OB 3.0 credential, cached until the credential changes.
    Scenario(
        "credential.json, anonymous, warm cache",
        "/credentials/__PROGRAM_CREDENTIAL_UUID__/credential.json",
        token="",
    ),
    # Learner records (issue 5): the same record builder behind the JSON API, the page and the CSV.
    Scenario(
        "program record JSON, 1 course",
        "/records/api/v1/program_records/__RECORD_PROGRAM_1__/",
        token="learner",
        upstream_rps=60,
    ),
    Scenario(
        "program record JSON, 10 courses", "/records/api/v1/program_records/__RECORD_PROGRAM_10__/", token="learner"
    ),
    Scenario(
        "program record JSON, 30 courses", "/records/api/v1/program_records/__RECORD_PROGRAM_30__/", token="learner"
    ),
    Scenario("shared record page, 10 courses", "/records/programs/shared/__SHARED_RECORD_10__/", token=""),
    Scenario("shared record CSV, 10 courses", "/records/programs/shared/__SHARED_RECORD_10__/csv", token=""),
]


def mint_token(username, administrator):
    import jwt

    now = int(time.time())
    claims = {
        "iss": JWT_ISSUER["ISSUER"],
        "aud": JWT_ISSUER["AUDIENCE"],
        "iat": now,
        "exp": now + 3600,
        "preferred_username": username,
        "administrator": administrator,
        "version": "1.2.0",
    }
    return jwt.encode(claims, JWT_ISSUER["SECRET_KEY"], algorithm="HS256")


def substitute(value, seed):
    text = json.dumps(value) if not isinstance(value, str) else value
    for key, replacement in seed.items():
        text = text.replace(f"__{key.upper()}__", str(replacement))
    return text


def wrk_script(scenario, body, headers):
    lua_headers = "".join(f'wrk.headers["{name}"] = "{value}"\n' for name, value in headers.items())
    if not body:
        return f'wrk.method = "{scenario.method}"\n{lua_headers}'
    if not scenario.unique_username:
        return f'wrk.method = "{scenario.method}"\nwrk.body = {json.dumps(body)}\n{lua_headers}'
    # Each wrk thread numbers its own requests; the thread id keeps usernames unique across threads.
    prefix, suffix = body.split("__USERNAME__")
    return f"""{lua_headers}
local counter, thread_id = 0, 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("thread_id", threads) end
function request()
  counter = counter + 1
  local body = {json.dumps(prefix)} .. "u" .. thread_id .. "_" .. os.time() .. "_" .. counter .. {json.dumps(suffix)}
  return wrk.format("{scenario.method}", nil, nil, body)
end
"""


def parse_wrk(output):
    def latency_ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        number, unit = float(match.group(1)), match.group(2)
        return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": latency_ms(50), "p99": latency_ms(99), "non_2xx": int(errors.group(1)) if errors else 0}


def statements_per_request(scenario, body, headers, seed):
    """SQL statements of one request, in-process with the same settings (second request: caches warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    meta = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
    }
    counts = []
    for attempt in range(3):
        request_body = body.replace("__USERNAME__", f"stmt_{time.time_ns()}_{attempt}") if body else None
        with CaptureQueriesContext(connection) as queries:
            if scenario.method == "POST":
                client.post(scenario.path, request_body, content_type="application/json", **meta)
            else:
                client.get(substitute(scenario.path, seed), **meta)
        counts.append(len(queries))
    return counts[-1]


def wait_for_server(process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see var/bench/server.log")
        try:
            with urllib.request.urlopen(f"{BASE_URL}/health/", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer /health/ in time")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--only", help="run only scenarios whose name contains this text")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    os.environ.update(SERVER_ENV)
    log_dir = REPO / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    if SERVER_ENV["DATABASE_URL"].startswith("mysql"):
        database = SERVER_ENV["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(
            [
                "mysql",
                "-uroot",
                "-h127.0.0.1",
                "-e",
                # A fresh database every run, so runs are comparable (no rows left by the last one).
                f"DROP DATABASE IF EXISTS {database}; "
                f"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            ],
            check=True,
        )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, check=True)
    seed = seeded_paths()
    import logging

    logging.getLogger("credentials.request").setLevel(logging.WARNING)  # the in-process statement counts

    tokens = {"worker": mint_token("bench_worker", True), "learner": mint_token(BENCH_LEARNER, False), "": None}
    with open(log_dir / "server.log", "w") as server_log:
        server = subprocess.Popen(
            [
                str(Path(python).parent / "gunicorn"),
                "-c",
                "credentials/gunicorn_conf.py",
                "credentials.wsgi:application",
            ],
            cwd=REPO,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "GUNICORN_WORKERS": str(args.workers), "GUNICORN_BIND": f"{HOST}:{PORT}"},
        )
    try:
        wait_for_server(server)
        rows = []
        for scenario in SCENARIOS:
            if args.only and args.only not in scenario.name:
                continue
            headers = {"Content-Type": "application/json"} if scenario.body else {}
            if tokens[scenario.token]:
                headers["Authorization"] = f"JWT {tokens[scenario.token]}"
            body = substitute(scenario.body, seed) if scenario.body else None
            path = substitute(scenario.path, seed)
            statements = statements_per_request(scenario, body, headers, seed)
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(wrk_script(scenario, body, headers))
            warmup = subprocess.run(
                ["wrk", "-t1", "-c1", "-d2s", "-s", script.name, f"{BASE_URL}{path}"], capture_output=True, text=True
            )
            del warmup
            result = subprocess.run(
                [
                    "wrk",
                    f"-t{args.threads}",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "--latency",
                    "-s",
                    script.name,
                    f"{BASE_URL}{path}",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            os.unlink(script.name)
            numbers = parse_wrk(result.stdout)
            rows.append((scenario, numbers, statements))
            print_row(scenario, numbers, statements)
        print_summary(rows)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def print_row(scenario, numbers, statements):
    upstream = (
        f"{numbers['rps'] / scenario.upstream_rps:5.1f}x upstream ({scenario.upstream_rps:g})"
        if scenario.upstream_rps
        else ""
    )
    errors = f"  NON-2XX: {numbers['non_2xx']}" if numbers["non_2xx"] else ""
    print(
        f"{scenario.name:42} {numbers['rps']:8.1f} req/s  p50 {numbers['p50']:7.2f} ms  p99 {numbers['p99']:7.2f} ms"
        f"  {statements:3d} SQL/req  {upstream}{errors}",
        flush=True,
    )


def print_summary(rows):
    floor = next((numbers["rps"] for scenario, numbers, _ in rows if scenario.name.startswith("health")), None)
    if floor:
        print(f"\n/health/ floor: {floor:.1f} req/s. Ratio to the floor:")
        for scenario, numbers, _ in rows:
            print(f"  {scenario.name:42} {floor / numbers['rps']:5.2f}x slower than /health/")


if __name__ == "__main__":
    main()
