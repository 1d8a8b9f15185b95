"""CPU time per request, in process: `make bench-cpu`.

Wall-clock requests/s on a shared machine move with whatever else runs on it; the CPU time this process
spends on one request does not (much). This drives the same scenarios as `make bench-http` (its SCENARIOS,
production settings, MariaDB, memcached) straight through Django's WSGI handler, many times each, and
prints the process's CPU time per request (time.process_time) and each scenario's cost as a multiple of
/health/'s cost measured the same way, next to the issue-20 target where there is one.

    make bench-cpu      # or: .venv/bin/python bench/cpu_cost.py [--requests 400] [--only NAME] [--profile NAME]

What it leaves out is the same for every scenario: gunicorn's HTTP parsing and socket writes, and the
database server's own CPU (the statement counts of `make bench-http` stand for that). --profile NAME prints
cProfile's top functions for that scenario instead.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import http_bench  # noqa: E402


def environ_of(method, path, body, headers):
    """A WSGI environ as gunicorn builds it for this request."""
    path, _, query = path.partition("?")
    payload = body.encode() if body else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": http_bench.HOST,
        "SERVER_PORT": str(http_bench.PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": f"{http_bench.HOST}:{http_bench.PORT}",
        "HTTP_ACCEPT": "*/*",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(payload),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if payload:
        environ["CONTENT_LENGTH"] = str(len(payload))
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


class Driver:
    """Sends one scenario's requests through the WSGI application, checking each status."""

    def __init__(self, application, scenario, seed, tokens):
        self.application = application
        self.scenario = scenario
        self.path, self.body, self.headers = http_bench.request_of(scenario, seed, tokens)
        self.counter = 0
        self.prefix = f"cpu{time.time_ns() % 10**10}"

    def one(self):
        body = self.body
        if body and self.scenario.unique_username:
            self.counter += 1
            body = body.replace("__USERNAME__", f"{self.prefix}_{self.counter}")
        statuses = []
        response = self.application(
            environ_of(self.scenario.method, self.path, body, self.headers),
            lambda status, headers, exc_info=None: statuses.append(status),
        )
        try:
            for _ in response:
                pass
        finally:
            response.close()
        if not statuses[0].startswith(("200", "201")):
            raise SystemExit(f"{self.scenario.name}: {statuses[0]}")

    def cost(self, requests):
        """CPU µs per request over ``requests`` requests, after a warm-up."""
        for _ in range(max(20, requests // 10)):
            self.one()
        started = time.process_time()
        for _ in range(requests):
            self.one()
        return (time.process_time() - started) / requests * 1e6


def cold_settings(scenario):
    from django.test.utils import override_settings

    cold = override_settings(CERTIFICATE_PAGE_CACHE_TTL=0, RECORD_CACHE_TTL=0)
    return cold if scenario.server == "cold" else nullcontext()


def callgrind_dump(label):
    """Under valgrind --tool=callgrind: write the instructions counted since the last dump, labelled."""
    subprocess.run(["callgrind_control", "-d", label, str(os.getpid())], capture_output=True, check=True)


def count_instructions(args):
    """Run this script under callgrind (one process: Django's start-up is paid once) and return
    {scenario name: instructions per request}."""
    out_dir = REPO / "var" / "callgrind"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    command = [
        "valgrind",
        "--tool=callgrind",
        "--cache-sim=no",
        f"--callgrind-out-file={out_dir}/cg.%p",
        sys.executable,  # a venv symlink to the interpreter (valgrind would not follow a wrapper script's exec)
        __file__,
        "--in-callgrind",
        f"--requests={args.requests}",
        *([f"--only={args.only}"] if args.only else []),
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts = {}
    for dump in out_dir.glob("cg.*.*"):
        text = dump.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (\S+)", text, re.MULTILINE)
        if trigger and trigger.group(1).startswith("measured-"):
            index = int(trigger.group(1).split("-")[1])
            counts[index] = int(re.search(r"^summary: (\d+)", text, re.MULTILINE).group(1)) / args.requests
    return counts


def setup(args):
    """Django set up on the benchmark database; returns (WSGI application, seeded values, tokens)."""
    import logging

    import django

    seed_file = REPO / "var" / "cpu-seed.json"
    if args.fresh or os.environ.get("BENCH_CPU_FRESH") == "1":
        http_bench.prepare_database_and_environment()
    else:
        os.environ.update(http_bench.SERVER_ENV)
    if args.in_callgrind and seed_file.exists():  # under valgrind, seeding again would take minutes
        django.setup()
        seed = json.loads(seed_file.read_text())
    else:
        seed = http_bench.seeded_paths()
        seed_file.write_text(json.dumps({key: str(value) for key, value in seed.items()}))
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # The log lines are formatted as in production (one JSON line per request) but written nowhere.
    sink = open(os.devnull, "w")  # noqa: SIM115
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)
    return application, seed, http_bench.bench_tokens()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per scenario (default 400)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each scenario's best round is kept")
    parser.add_argument("--only", help="run only scenarios whose name contains this text (and /health/)")
    parser.add_argument("--profile", help="cProfile (CPU time) the scenario whose name contains this text")
    parser.add_argument(
        "--callgrind", action="store_true", help="count instructions under valgrind instead (slow; --requests 30)"
    )
    parser.add_argument("--in-callgrind", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true", help="drop, migrate and seed the database first")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    scenarios = [
        scenario
        for scenario in http_bench.SCENARIOS
        if scenario.name.startswith("health") or not args.only or args.only in scenario.name
    ]
    if args.callgrind:
        if args.fresh:
            setup(args)  # migrate and seed natively; the valgrind run reuses the data
        counts = count_instructions(args)
        report("Instructions per request (valgrind --tool=callgrind)", "instr", scenarios, counts, args.json)
        return
    application, seed, tokens = setup(args)
    if args.in_callgrind:
        for index, scenario in enumerate(scenarios):
            driver = Driver(application, scenario, seed, tokens)
            with cold_settings(scenario):
                for _ in range(10):
                    driver.one()
                callgrind_dump(f"warm-{index}")
                for _ in range(args.requests):
                    driver.one()
                callgrind_dump(f"measured-{index}")
        return
    if args.profile:
        profile(args, scenarios, application, seed, tokens)
        return

    best = {}
    for _ in range(args.rounds):
        for index, scenario in enumerate(scenarios):
            with cold_settings(scenario):
                cpu = Driver(application, scenario, seed, tokens).cost(args.requests)
            best[index] = min(cpu, best.get(index, cpu))
    title = f"CPU time per request in process (best of {args.rounds} rounds of {args.requests})"
    report(title, "µs CPU", scenarios, best, args.json)


def profile(args, scenarios, application, seed, tokens):
    scenario = next(scenario for scenario in scenarios if args.profile in scenario.name)
    driver = Driver(application, scenario, seed, tokens)
    with cold_settings(scenario):
        driver.cost(50)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            driver.one()
        profiler.disable()
    stats = pstats.Stats(profiler)
    slug = "".join(character if character.isalnum() else "-" for character in scenario.name)
    stats.dump_stats(str(REPO / "var" / f"cpu-profile-{slug}.pstats"))
    stats.sort_stats("cumulative").print_stats(60)


def report(title, unit, scenarios, costs, json_path):
    """Each scenario's cost and its multiple of /health/'s, with the issue-20 target where there is one."""
    floor = costs[0]
    print(f"{title}; /health/ = 1:")
    for index, scenario in enumerate(scenarios):
        ratio = costs[index] / floor
        verdict = ""
        if scenario.target:
            verdict = f"target <= {scenario.target:g}x: {'met' if ratio <= scenario.target else 'NOT MET'}"
        print(f"  {scenario.name:44} {costs[index]:12,.0f} {unit}  {ratio:6.2f}x  {verdict}")
    if json_path:
        figures = {scenario.name: costs[index] for index, scenario in enumerate(scenarios)}
        Path(json_path).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
