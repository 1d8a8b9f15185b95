"""Benchmark ``copy_catalog``: a first sync and a no-change re-sync from bench/fake_discovery.py.

    make bench-catalog         # or: .venv/bin/python bench/catalog_sync.py [--programs N ...]

Defaults to 1,000 programs of 4 courses (4,000 courses, 8,000 runs), 5 organizations and 100 pathways,
served with discovery's page size of 20. The database (DATABASE_URL, default MariaDB's
credentials_bench_catalog on 127.0.0.1, created when missing) is migrated, and the catalog of the benchmark
site is emptied before the first sync; other sites are not touched. Each sync runs in a fresh process, which
reports its wall time, SQL statements and peak RSS: only what it measured in this run.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
BENCH_DOMAIN = "catalog-bench.example.com"

# MariaDB by default, as production runs (README "Benchmarks"); DATABASE_URL=sqlite:///... for SQLite.
DEFAULT_DATABASE_URL = "mysql://root:@127.0.0.1:3306/credentials_bench_catalog"


def _environment(discovery_url):
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env["DJANGO_SETTINGS_MODULE"] = "credentials.settings.local"
    env["DEBUG"] = "false"  # DEBUG would keep every statement in memory
    env["LOG_LEVEL"] = "WARNING"
    env["BACKEND_SERVICE_AUTH"] = "oauth2"
    env["BACKEND_SERVICE_EDX_OAUTH2_PROVIDER_URL"] = f"{discovery_url}/oauth2"
    env["BENCH_CATALOG_API_URL"] = f"{discovery_url}/api/v1/"
    return env


def _rss_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(mode):
    """Runs inside a fresh process with Django set up: prepare the site, or run one measured sync."""
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from credentials.apps.catalog.models import Course, Organization, Pathway, Program
    from credentials.apps.core.api import create_or_update_site

    if mode == "prepare":
        site, _ = create_or_update_site(
            domain=BENCH_DOMAIN,
            name="Catalog benchmark",
            platform_name="Bench",
            lms_url_root="http://127.0.0.1:1",
            catalog_api_url=os.environ["BENCH_CATALOG_API_URL"],
            tos_url="https://example.com/tos",
            privacy_policy_url="https://example.com/privacy",
            homepage_url="https://example.com",
            company_name="Bench",
            certificate_help_url="https://example.com/help",
            records_enabled=True,
        )
        for model in (Pathway, Program, Course, Organization):
            model.objects.filter(site=site).delete()
        return

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    baseline = _rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        call_command("copy_catalog", "--site", BENCH_DOMAIN, verbosity=0)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = {
        "organizations": Organization.objects.filter(site__domain=BENCH_DOMAIN).count(),
        "courses": Course.objects.filter(site__domain=BENCH_DOMAIN).count(),
        "programs": Program.objects.filter(site__domain=BENCH_DOMAIN).count(),
        "pathways": Pathway.objects.filter(site__domain=BENCH_DOMAIN).count(),
    }
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "statements": statements,
                "peak_mb": peak,
                "baseline_mb": baseline,
                "rows": rows,
            }
        )
    )


def _run_child(mode, env):
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"benchmark step {mode!r} failed with exit status {completed.returncode}")
    return completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""


def _create_mysql_database(url):
    """The MariaDB database of the benchmark, created when missing (its rows are replaced by each run)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("mysql"):
        return
    name = parts.path.lstrip("/")
    command = [
        "mysql",
        f"-u{parts.username or 'root'}",
        f"-h{parts.hostname or '127.0.0.1'}",
        f"-P{parts.port or 3306}",
    ]
    if parts.password:
        command.append(f"-p{parts.password}")
    create = f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    subprocess.run([*command, "-e", create], check=True)


def main():
    parser = argparse.ArgumentParser(description="Benchmark copy_catalog against a fake discovery.")
    parser.add_argument("--child", choices=["prepare", "sync"], help=argparse.SUPPRESS)
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--courses-per-program", type=int, default=4)
    parser.add_argument("--organizations", type=int, default=5)
    parser.add_argument("--pathways", type=int, default=100)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    server = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "bench" / "fake_discovery.py"),
            f"--programs={args.programs}",
            f"--courses-per-program={args.courses_per_program}",
            f"--organizations={args.organizations}",
            f"--pathways={args.pathways}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        discovery_url = server.stdout.readline().strip().removeprefix("listening on ")
        if not discovery_url.startswith("http"):
            raise SystemExit("the fake discovery did not start")
        env = _environment(discovery_url)
        _create_mysql_database(env["DATABASE_URL"])
        database = env["DATABASE_URL"].split("@")[-1]
        print(
            f"copy_catalog benchmark: {args.programs} programs × {args.courses_per_program} courses, database {database}"
        )
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=REPO, check=True)
        _run_child("prepare", env)
        results = {}
        for label in ("first sync", "no-change re-sync"):
            results[label] = json.loads(_run_child("sync", env))
    finally:
        server.terminate()
        server.wait()

    print(f"rows: {results['first sync']['rows']}")
    print(f"{'':20} {'seconds':>8} {'CPU s':>6} {'statements':>11} {'peak RSS':>9} {'above start':>12}")
    for label, result in results.items():
        print(
            f"{label:20} {result['seconds']:8.2f} {result['cpu_seconds']:6.2f} {result['statements']:11,} "
            f"{result['peak_mb']:7.0f}MB {result['peak_mb'] - result['baseline_mb']:10.0f}MB"
        )


if __name__ == "__main__":
    main()
