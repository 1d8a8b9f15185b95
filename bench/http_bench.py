"""HTTP benchmark of the service as deployed: gunicorn (2 workers, production settings, DEBUG off) on
MariaDB + memcached, loaded by wrk (-t2 -c4).

    make bench-http    # or: .venv/bin/python bench/http_bench.py [--duration 10] [--only NAME] [--bulk 0]

It prints only what it measured in this run. For each scenario (the SCENARIOS list below): requests/s, p50/p99
latency, the transaction retries the server logged (deadlocks, lock waits, unique-key races) and the statements
one request sends as the database counts them (MariaDB's session `Questions`: BEGIN, COMMIT and savepoints
count). Write scenarios run again at -c16 (in rounds alternating with -c4), with their change against -c4. "cold" scenarios run on a second
server with the certificate page and record caches off (every view a first view). Then the bulk shape of the
end of a course run: --bulk course credentials (default 10,000) posted by --bulk-clients (8) concurrent
clients, with wall time and rows created; then the workers' memory after all that. Last, each scenario as a
share of this run's /health/ floor, with the target it must meet where it has one (issue 20). A scenario with a
target runs in three rounds (--rounds), each after /health/ loaded again, and is judged on the median of the
rounds' shares.

With UPSTREAM_BASE_URL and UPSTREAM_TOKEN_COMMAND set (bench/upstream.py), the same workloads also load that
second running service, in rounds alternating with ours (3 unless --rounds), and a last table gives
ours/theirs per scenario; only then is anything compared with another service.

Needs: wrk (apt-get install wrk), a MariaDB (DATABASE_URL, default database credentials_bench on 127.0.0.1)
and memcached (CACHE_URL).
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import upstream, worker_memory  # noqa: E402
from bench.cpu_split import CpuSplit  # noqa: E402

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
    server: str = "warm"  # "cold": the server whose certificate page and record caches are off
    write: bool = False  # also run at --high-connections
    target: float | None = None  # must reach at least 1/target of the /health/ floor (issue 20)


def seeded_paths():
    """Create the benchmark data (idempotently) and return what scenarios need to know about it."""
    import django

    django.setup()
    from bench import records_seed, seed

    values = seed.seed_all(learner=BENCH_LEARNER)
    return {**values, **records_seed.seed_records(seed.seed_site(), learner=BENCH_LEARNER)}


VISIBLE_DATE = [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}]

SCENARIOS = [
    Scenario("health (floor)", "/health/", token=""),
    Scenario(
        "issue course credential, new learner",
        "/api/v2/credentials/",
        method="POST",
        body={
            "username": "__USERNAME__",
            "credential": {"course_run_key": "__COURSE_RUN__", "mode": "verified"},
            "attributes": VISIBLE_DATE,
        },
        unique_username=True,
        write=True,
        target=6,
    ),
    Scenario(
        "re-issue program credential",
        "/api/v2/credentials/",
        method="POST",
        body={
            "username": BENCH_LEARNER,
            "lms_user_id": 7,
            "credential": {"program_uuid": "__PROGRAM_UUID__"},
            "attributes": VISIBLE_DATE,
        },
        write=True,
        target=5,
    ),
    Scenario(
        # The LMS's grade sink: the learner's grade in a run, posted again as it changes.
        "post a grade",
        "/api/v2/grades/",
        method="POST",
        body={
            "username": BENCH_LEARNER,
            "course_run": "__COURSE_RUN__",
            "letter_grade": "A",
            "percent_grade": 0.91,
            "verified": True,
            "lms_last_updated_at": "2026-01-01T00:00:00Z",
        },
        write=True,
        target=5,
    ),
    Scenario("list a learner's credentials (20)", f"/api/v2/credentials/?username={BENCH_LEARNER}"),
    Scenario("certificate page, anonymous, warm cache", "/credentials/__PROGRAM_CREDENTIAL_UUID__/", token=""),
    Scenario(
        "certificate page, cold",
        "/credentials/__PROGRAM_CREDENTIAL_UUID__/",
        token="",
        server="cold",
        target=5,
    ),
    # Verifiable credentials (issue 16): the signed OB 3.0 credential, cached until the credential changes.
    Scenario(
        "credential.json, anonymous, warm cache",
        "/credentials/__PROGRAM_CREDENTIAL_UUID__/credential.json",
        token="",
    ),
    # Learner records (issue 5): the same record builder behind the JSON API, the page and the CSV.
    Scenario("program record JSON, 1 course", "/records/api/v1/program_records/__RECORD_PROGRAM_1__/", token="learner"),
    Scenario(
        "program record JSON, 1 course, cold",
        "/records/api/v1/program_records/__RECORD_PROGRAM_1__/",
        token="learner",
        server="cold",
        target=6,
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
    # Each wrk thread numbers its own requests; the thread id keeps usernames unique across threads, and a
    # random part unique across runs of the script (the warm-up, -c4, -c16).
    prefix, suffix = body.split("__USERNAME__")
    return f"""{lua_headers}
-- thread_id is a global: thread:set() writes the thread's globals (a local here would shadow it).
local counter = 0
thread_id = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("thread_id", threads) end
function request()
  counter = counter + 1
  local body = {json.dumps(prefix)} .. "u{uuid.uuid4().hex[:8]}_" .. thread_id .. "_" .. counter .. {json.dumps(suffix)}
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
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "requests": requests,
        "p50": latency_ms(50),
        "p99": latency_ms(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def statements_per_request(scenario, path, body, headers):
    """Statements one request sends, as the database counts them: on MariaDB/MySQL the session's `Questions`
    (so BEGIN, COMMIT, SET autocommit and savepoints count), measured in-process on the request's own
    connection with the same settings; elsewhere Django's query log. Third request of three: caches warm."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.statements import questions

    client = Client(HTTP_HOST=HOST)
    cold = override_settings(CERTIFICATE_PAGE_CACHE_TTL=0, RECORD_CACHE_TTL=0)
    meta = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
    }
    count = None
    for attempt in range(3):
        request_body = body.replace("__USERNAME__", f"stmt_{time.time_ns()}_{attempt}") if body else None
        connection.ensure_connection()
        before = questions(connection)
        with CaptureQueriesContext(connection) as queries, cold if scenario.server == "cold" else nullcontext():
            if scenario.method == "POST":
                client.post(path, request_body, content_type="application/json", **meta)
            else:
                client.get(path, **meta)
        after = questions(connection)
        count = after - before - 1 if before is not None else len(queries)  # - 1: the second SHOW STATUS
    return count


def wait_for_server(process, port=PORT, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see var/bench/server.log")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/health/", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer /health/ in time")


def prepare_database_and_environment():
    """A fresh, migrated benchmark database (so runs are comparable) and the server environment in
    os.environ. Returns the environment."""
    os.environ.update(SERVER_ENV)
    if SERVER_ENV["DATABASE_URL"].startswith("mysql"):
        database = SERVER_ENV["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(
            [
                "mysql",
                "-uroot",
                "-h127.0.0.1",
                "-e",
                f"DROP DATABASE IF EXISTS {database}; "
                f"CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            ],
            check=True,
        )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, check=True)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, check=True)
    return dict(os.environ)


def bench_tokens():
    return {"worker": mint_token("bench_worker", True), "learner": mint_token(BENCH_LEARNER, False), "": None}


def start_server(*, workers, port=PORT, extra_env=None, log_name="server.log"):
    """gunicorn with the production settings, its output in var/bench/<log_name>."""
    log_dir = REPO / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / log_name, "w") as server_log:
        return subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "credentials/gunicorn_conf.py",
                "credentials.wsgi:application",
            ],
            cwd=REPO,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={
                **os.environ,
                **(extra_env or {}),
                "GUNICORN_WORKERS": str(workers),
                "GUNICORN_BIND": f"{HOST}:{port}",
            },
        )


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def request_of(scenario, seed, tokens):
    """(path, body, headers) of a scenario with this run's seeded values."""
    headers = {"Content-Type": "application/json"} if scenario.body else {}
    if tokens[scenario.token]:
        headers["Authorization"] = f"JWT {tokens[scenario.token]}"
    body = substitute(scenario.body, seed) if scenario.body else None
    return substitute(scenario.path, seed), body, headers


def run_wrk(base_url, path, script, *, duration, threads, connections):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script]
    result = subprocess.run([*command, f"{base_url}{path}"], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


class RetryCounter:
    """Counts the retries of issuing and grading transactions (deadlocks, lock waits, unique-key races) that
    the servers logged, from the log files' growth since the last call."""

    def __init__(self, *paths):
        self.paths = paths
        self.offsets = dict.fromkeys(paths, 0)

    def since_last(self):
        retries = 0
        for path in self.paths:
            with open(path, "rb") as log_file:
                log_file.seek(self.offsets[path])
                for line in log_file:
                    if b'"Retrying ' in line:
                        retries += 1
                self.offsets[path] = log_file.tell()
        return retries


def load(scenario, base_url, path, body, headers, *, duration, threads, connections, server_group=None):
    """wrk's numbers; with ``server_group`` (our gunicorn's process group) also where the CPU went ("cpu")."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(scenario, body, headers))
    try:
        subprocess.run(["wrk", "-t1", "-c1", "-d2s", "-s", script.name, f"{base_url}{path}"], capture_output=True)
        with CpuSplit(server_group) if server_group else nullcontext() as split:
            numbers = run_wrk(base_url, path, script.name, duration=duration, threads=threads, connections=connections)
        if split:
            numbers["cpu"] = split.per_request(numbers["requests"])
        return numbers
    finally:
        os.unlink(script.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--high-connections", type=int, default=16, help="write scenarios again at -c this (0: no)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--only", help="run only scenarios whose name contains this text (or one of a,b,...)")
    parser.add_argument("--bulk", type=int, default=10_000, help="course credentials of the bulk run (0: skip)")
    parser.add_argument("--bulk-clients", type=int, default=8)
    parser.add_argument(
        "--rounds",
        type=int,
        help="alternating rounds per scenario, medians kept (default 3 for a scenario with a target or with"
        " UPSTREAM_BASE_URL, else 1)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    second = upstream.from_environment()  # None unless UPSTREAM_BASE_URL is set (bench/upstream.py)

    def rounds_of(scenario):
        # A target is judged on the median of three paired rounds: one 10 s sample caught a minute in which this
        # machine ran every request 1.5x slower (README) and missed for that alone.
        return args.rounds or (3 if second or scenario.target else 1)

    if args.rounds:
        rounds_note = f"; {args.rounds} rounds each"
    else:
        rounds_note = "; 3 rounds each" if second else "; 3 rounds each with a target"

    prepare_database_and_environment()
    seed = seeded_paths()
    import logging

    logging.getLogger("credentials.request").setLevel(logging.WARNING)  # the in-process statement counts
    tokens = bench_tokens()
    log_dir = REPO / "var" / "bench"
    servers = {
        "warm": start_server(workers=args.workers),
        # Every view a first view: the certificate page and record caches off (TTL 0).
        "cold": start_server(
            workers=args.workers,
            port=PORT + 1,
            extra_env={"CERTIFICATE_PAGE_CACHE_TTL": "0", "RECORD_CACHE_TTL": "0"},
            log_name="server-cold.log",
        ),
    }
    ports = {"warm": PORT, "cold": PORT + 1}
    retries = RetryCounter(log_dir / "server.log", log_dir / "server-cold.log")
    try:
        for name, server in servers.items():
            wait_for_server(server, ports[name])
        print(
            f"gunicorn {args.workers} workers; wrk -t{args.threads} -c{args.connections}, {args.duration} s each"
            + rounds_note
            + (f", alternating with {second.base_url}" if second else "")
        )
        rows, compared = [], []
        options = {"duration": args.duration, "threads": args.threads}
        floor_scenario = next(scenario for scenario in SCENARIOS if scenario.name.startswith("health"))
        floor_request = request_of(floor_scenario, seed, tokens)

        def load_floor():
            return load(
                floor_scenario, f"http://{HOST}:{PORT}", *floor_request, connections=args.connections, **options
            )

        for scenario in SCENARIOS:
            if args.only and not any(part in scenario.name for part in args.only.split(",")):
                continue
            path, body, headers = request_of(scenario, seed, tokens)
            statements = statements_per_request(scenario, path, body, headers)
            base_url = f"http://{HOST}:{ports[scenario.server]}"
            retries.since_last()

            def load_ours(scenario=scenario, base_url=base_url, request=(path, body, headers), connections=None):
                numbers = load(
                    scenario,
                    base_url,
                    *request,
                    connections=connections or args.connections,
                    server_group=servers[scenario.server].pid,
                    **options,
                )
                return {**numbers, "retries": retries.since_last()}

            def load_theirs(scenario=scenario):
                request = request_of(scenario, second.seed(seed), second.tokens)
                base_url = second.base_url_for(scenario)
                return load(scenario, base_url, *request, connections=args.connections, **options)

            loaders = {"ours": load_ours}
            if scenario.target:
                # Its /health/ floor measured again just before it, in each round: this machine's speed moves
                # between minutes (README), so a floor measured minutes earlier moved the share with it.
                loaders = {"floor": load_floor, **loaders}
            if second:
                loaders["theirs"] = load_theirs
            if scenario.write and args.high_connections:
                loaders["high"] = lambda load_ours=load_ours: load_ours(connections=args.high_connections)
            results = upstream.alternate(rounds_of(scenario), loaders)
            numbers = {
                **upstream.median_numbers(results["ours"]),
                "retries": sum(r["retries"] for r in results["ours"]),
                "cpu": results["ours"][-1]["cpu"],  # of the last round
            }
            if "floor" in results:
                numbers["floor_rps"] = upstream.median_numbers(results["floor"])["rps"]
                numbers["shares"] = shares_of_floor(results["ours"], results["floor"])
            high = None
            if "high" in results:
                high = {
                    **upstream.median_numbers(results["high"]),
                    "retries": sum(r["retries"] for r in results["high"]),
                }
            rows.append((scenario, numbers, high, statements))
            print_row(scenario, numbers, high, statements, args.high_connections)
            if second:
                compared.append((scenario.name, numbers, upstream.median_numbers(results["theirs"])))
        if args.bulk and not args.only:
            from bench import bulk

            bulk.run(f"http://{HOST}:{PORT}", seed, tokens, total=args.bulk, clients=args.bulk_clients, retries=retries)
        print(worker_memory.describe(servers["warm"].pid), flush=True)
        print_summary(rows)
        if second:
            print("\n".join(upstream.comparison_lines(compared)))
    finally:
        for server in servers.values():
            stop_server(server)


def describe(numbers):
    errors = f"  NON-2XX: {numbers['non_2xx']}" if numbers["non_2xx"] else ""
    return (
        f"{numbers['rps']:8.1f} req/s  p50 {numbers['p50']:7.2f} ms  p99 {numbers['p99']:7.2f} ms"
        f"  {numbers['retries']} retries{errors}"
    )


def print_row(scenario, numbers, high, statements, high_connections):
    print(f"{scenario.name:44} {describe(numbers)}  {statements:3d} statements/req", flush=True)
    if numbers.get("cpu"):
        print(f"{'':44} {numbers['cpu']}", flush=True)
    if high is not None:
        change = (high["rps"] / numbers["rps"] - 1) * 100 if numbers["rps"] else float("nan")
        label = f"  at -c{high_connections}"
        print(f"{label:44} {describe(high)}  {change:+5.1f}% vs -c4", flush=True)


def shares_of_floor(ours, floors):
    """Each round's requests/s as a share of the /health/ floor measured just before it in the same round."""
    return [numbers["rps"] / floor["rps"] for numbers, floor in zip(ours, floors, strict=True)]


def print_summary(rows):
    """Each scenario as a share of the same run's /health/ floor, with the issue's target where it has one; a
    scenario with a target as the median of its rounds' shares of the floor measured just before it."""
    floor = next((numbers["rps"] for scenario, numbers, _, _ in rows if scenario.name.startswith("health")), None)
    if not floor:
        return
    print(
        f"\n/health/ floor: {floor:.1f} req/s. Each scenario as a share of it (1/N: N times slower); one with a"
        " target as the median of its rounds' shares of the floor measured just before it:"
    )
    for scenario, numbers, _, _ in rows:
        shares = numbers.get("shares")
        share = statistics.median(shares) if shares else numbers["rps"] / floor
        verdict = ""
        if scenario.target:
            met = share >= 1 / scenario.target
            verdict = f"target >= 1/{scenario.target:g}: {'met' if met else 'NOT MET'}"
        if shares:
            each = ", ".join(f"1/{1 / each:.2f}" if each else "none" for each in shares)
            verdict += f"  (rounds {each}; floor beside it {numbers['floor_rps']:.1f} req/s)"
        print(f"  {scenario.name:44} 1/{1 / share if share else float('inf'):5.2f}  {verdict}")


if __name__ == "__main__":
    main()
