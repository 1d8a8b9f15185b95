"""Where a gunicorn worker spends its time on the write path: `make profile-write`.

Starts the service as `make bench-http` does (production settings, MariaDB, memcached) but with ONE gunicorn
worker, loads it with wrk on the write scenarios (issue to a new learner, re-issue a program credential, post
a grade) and, with PROFILE_PAGES=1, the cold certificate page and record JSON, while py-spy samples that
worker. Writes var/profile-write.svg (flame graph) and var/profile-write.txt (collapsed stacks), then prints
the functions holding the most samples (inclusive), so the top costs can be read without a browser.

    make profile-write                       # or: .venv/bin/python bench/profile_write.py [--duration 20]

Needs py-spy (requirements/profile.txt, installed by the make target) and the right to ptrace the worker
(root, or kernel.yama.ptrace_scope=0, or CAP_SYS_PTRACE in a container).
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import http_bench  # noqa: E402

WRITE_SCENARIOS = ("issue course credential, new learner", "re-issue program credential", "post a grade")
PAGE_SCENARIOS = ("certificate page, cold", "program record JSON, 1 course, cold")


def worker_pid(master_pid, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
        pids = children.read_text().split() if children.exists() else []
        if pids:
            return int(pids[0])
        time.sleep(0.2)
    raise SystemExit("no gunicorn worker appeared")


def top_functions(collapsed_path, limit=40):
    """(share of samples, frame) for the frames present in the most samples, from py-spy's raw output."""
    inclusive, total = collections.Counter(), 0
    for line in collapsed_path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        count = int(count)
        total += count
        for frame in set(stack.split(";")):
            inclusive[frame] += count
    return total, [(count / total, frame) for frame, count in inclusive.most_common(limit)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per scenario (default 8)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--pages", action="store_true", default=os.environ.get("PROFILE_PAGES") == "1")
    parser.add_argument("--output", default=str(REPO / "var" / "profile-write"))
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists() or not shutil.which("wrk"):
        raise SystemExit("needs py-spy (pip install -r requirements/profile.txt) and wrk (apt-get install wrk)")

    http_bench.prepare_database_and_environment()
    seed = http_bench.seeded_paths()
    tokens = http_bench.bench_tokens()
    names = PAGE_SCENARIOS if args.pages else WRITE_SCENARIOS
    scenarios = [scenario for scenario in http_bench.SCENARIOS if scenario.name in names]
    cold = {"CERTIFICATE_PAGE_CACHE_TTL": "0", "RECORD_CACHE_TTL": "0"}  # every page view a first view
    server = http_bench.start_server(workers=1, extra_env=cold if args.pages else None, log_name="profile.log")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        http_bench.wait_for_server(server)
        pid = worker_pid(server.pid)
        seconds = args.duration * len(scenarios) + 2
        common = ["record", "--pid", str(pid), "--duration", str(seconds), "--rate", "250", "--nonblocking"]
        recorders = [
            subprocess.Popen([py_spy, *common, "--format", fmt, "--output", str(path)], stdout=subprocess.DEVNULL)
            for fmt, path in (("flamegraph", output.with_suffix(".svg")), ("raw", output.with_suffix(".txt")))
        ]
        time.sleep(1)
        for scenario in scenarios:
            path, body, headers = http_bench.request_of(scenario, seed, tokens)
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(http_bench.wrk_script(scenario, body, headers))
            numbers = http_bench.run_wrk(
                http_bench.BASE_URL, path, script.name, duration=args.duration, threads=2, connections=args.connections
            )
            os.unlink(script.name)
            print(f"{scenario.name:45} {numbers['rps']:8.1f} req/s under the profiler (1 worker)", flush=True)
        for recorder in recorders:
            recorder.wait(timeout=seconds + 30)
    finally:
        http_bench.stop_server(server)
    total, rows = top_functions(output.with_suffix(".txt"))
    print(f"\n{total} samples; flame graph {output.with_suffix('.svg')}. Frames in the most samples (inclusive):")
    for share, frame in rows:
        print(f"  {share * 100:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
