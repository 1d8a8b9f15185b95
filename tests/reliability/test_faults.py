"""The soak of bench/soak/, short, with every fault at once: a MariaDB restart (a private instance), memcached
killed and restarted, and an LMS and discovery that accept connections and never answer. One run, several
assertions on what it measured (the soak itself checks the database against every acknowledged write)."""

import json
import subprocess
import sys

import pytest

from bench.soak.config import OUTBOUND_CONNECT_TIMEOUT, OUTBOUND_READ_TIMEOUT, REPO
from bench.soak.processes import free_port

pytestmark = pytest.mark.reliability

CLIENT_TIMEOUT = 20  # seconds; a request taking longer counts as hung
DATABASE_CONNECT_TIMEOUT = 5  # credentials/settings/env.py: connect_timeout of the MySQL driver


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("soak")
    summary_path = workdir / "summary.json"
    command = [
        sys.executable,
        "-m",
        "bench.soak",
        "--duration=24",
        "--clients=6",
        "--learners-per-client=2",
        "--workers=3",
        "--faults=all",
        "--outage=3",
        f"--timeout={CLIENT_TIMEOUT}",
        f"--port={free_port()}",
        f"--memcached-port={free_port()}",
        f"--mariadb-port={free_port()}",
        f"--workdir={workdir}",
        f"--json={summary_path}",
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    if not summary_path.exists():
        pytest.fail(
            f"the soak did not finish (exit {result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    summary = json.loads(summary_path.read_text())
    summary["exit_status"] = result.returncode
    summary["output"] = result.stdout[-4000:]
    return summary


def fault(summary, name):
    return next(item for item in summary["faults"] if item["fault"] == name)


def test_every_acknowledged_write_is_in_the_database_exactly_once_and_nothing_failed(soak):
    assert soak["problems"] == [], soak["output"]
    assert soak["errors"] == 0, soak["error_samples"]
    assert soak["exit_status"] == 0
    database = soak["database"]
    assert database["acknowledged_writes_lost"] == 0
    assert database["credentials_checked"] == database["credentials_acknowledged"] > 0
    assert database["grades_checked"] > 0
    assert database["hot_credential_awards_acknowledged"] > 1  # concurrent identical awards, one row (checked)


def test_requests_during_the_database_outage_get_503_json_without_hanging(soak):
    outage = fault(soak, "mariadb-restart")

    assert outage["statuses_during"].get("503", 0) > 0
    assert soak["outage_503"] > 0  # each one was JSON with a "detail" (the soak counts any other 503 as an error)
    assert not any(status.startswith("5") and status != "503" for status in outage["statuses_during"])
    assert outage["max_latency_during_ms"] < (DATABASE_CONNECT_TIMEOUT + OUTBOUND_READ_TIMEOUT + 5) * 1000


def test_the_service_recovers_from_the_database_restart_by_itself(soak):
    outage = fault(soak, "mariadb-restart")

    assert outage["first_success_after_s"] < 10  # no restart of gunicorn: the workers reconnect


def test_memcached_killed_gives_no_5xx(soak):
    memcached = fault(soak, "memcached-kill")

    assert memcached["requests_during"] > 0
    assert not any(status.startswith("5") for status in memcached["statuses_during"]), memcached["statuses_during"]


def test_certificate_pages_render_within_the_timeout_while_the_lms_never_answers(soak):
    slowest = soak["certificate_page_max_ms_with_lms_blackhole"]

    assert 0 < slowest < (OUTBOUND_CONNECT_TIMEOUT + OUTBOUND_READ_TIMEOUT + 3) * 1000
    pages = next(row for row in soak["operations"] if row["op"] == "certificate page")
    assert pages["statuses"].get("200", 0) > 0  # rendered with the locally stored name (the soak checks the name)


def test_copy_catalog_gives_up_on_a_hung_discovery_and_changes_nothing(soak):
    sync = fault(soak, "copy_catalog-blackhole")

    assert sync["exit_status"] == 1
    assert "Nothing was changed on this site." in " ".join(sync["output"])


@pytest.fixture
def private_mariadb(tmp_path):
    from bench.soak.processes import PrivateMariaDB

    server = PrivateMariaDB(tmp_path / "mariadb", free_port()).install().start()
    yield server
    server.remove()


def test_a_query_on_a_hung_database_is_given_up_within_a_bounded_time(private_mariadb):
    """A query on a frozen (SIGSTOPped) MariaDB, with the connection options the app uses, fails within 15 s."""
    import signal
    import threading
    import time
    from pathlib import Path

    import MySQLdb

    from credentials.settings import env

    config = env.database_from_url(private_mariadb.url("mysql"))
    options = {key: value for key, value in config["OPTIONS"].items() if key != "init_command"}
    connection = MySQLdb.connect(host="127.0.0.1", port=private_mariadb.port, user="root", **options)
    outcome = []

    def query():
        try:
            connection.cursor().execute("SELECT 1")
            outcome.append("answered")
        except MySQLdb.OperationalError as exc:
            outcome.append(f"gave up: {exc}")

    private_mariadb.process.send_signal(signal.SIGSTOP)
    try:
        stat = Path(f"/proc/{private_mariadb.process.pid}/stat")
        for _ in range(100):  # the signal is asynchronous: wait until the server is really stopped
            if stat.read_text().split()[2] == "T":
                break
            time.sleep(0.05)
        worker = threading.Thread(target=query, daemon=True)
        worker.start()
        worker.join(timeout=15)
        gave_up_in_time = not worker.is_alive()
    finally:
        private_mariadb.process.send_signal(signal.SIGCONT)
        worker.join(timeout=30)
        connection.close()

    assert gave_up_in_time, "the query was still waiting after 15 s"
    assert outcome and outcome[0].startswith("gave up")


def test_a_slow_call_spanning_the_memcached_window_and_a_database_outage_is_judged_by_the_outage():
    """Under load a call begun while memcached was down can end in the database outage that follows; its 503
    is the outage's (an expected answer), not a failure of the cache fallback."""
    from bench.soak.checks import classify, report
    from bench.soak.faults import Window
    from bench.soak.states import Call

    windows = [Window("memcached-kill", 10.0, 16.0), Window("mariadb-restart", 18.0, 21.0)]
    calls = [
        Call("grade", 201, 11.0, 11.1, (200, 201)),
        Call("grade", 503, 15.5, 18.5, (200, 201), is_json_503=True),
        Call("grade", 500, 12.0, 12.2, (200, 201)),
    ]

    numbers = report(calls, classify(calls, windows), windows, elapsed=30.0)

    memcached, mariadb = numbers["faults"]
    assert memcached["statuses_during"] == {"201": 1, "500": 1}
    assert mariadb["statuses_during"] == {"503": 1}
    assert numbers["outage_503"] == 1 and numbers["errors"] == 1
