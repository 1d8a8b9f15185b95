"""The soak's command line and run: start the processes, seed, run the clients and the faults, check."""

import argparse
import contextlib
import json
import os
import threading
import time
from pathlib import Path

import bench.soak
from bench.soak.checks import check_database, classify, fault_problems, merge_states, print_report, report
from bench.soak.client import Client, probe_limits
from bench.soak.config import ADMIN, FAULTS, JWT_ISSUER, OUTBOUND_CONNECT_TIMEOUT, OUTBOUND_READ_TIMEOUT, VAR, WORKER
from bench.soak.faults import copy_catalog_against_blackhole, freeze_mariadb, kill_memcached, restart_mariadb
from bench.soak.processes import BlackHole, Gunicorn, Memcached, PrivateMariaDB, create_database, free_port, manage
from bench.soak.seed import mint_token, seed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description=bench.soak.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
