"""`make bench-http`'s comparison with a second running service (issue 12): off without UPSTREAM_BASE_URL;
with it, tokens come from UPSTREAM_TOKEN_COMMAND and the same workload loads both services in alternating
rounds (wrk against two local HTTP servers here), and only then is an ours/theirs line printed."""

import http.server
import shutil
import threading

import pytest

from bench import http_bench, upstream


def test_without_upstream_base_url_there_is_no_second_service():
    assert upstream.from_environment({}) is None
    assert upstream.from_environment({"UPSTREAM_TOKEN_COMMAND": "echo token"}) is None


def test_a_base_url_without_a_token_command_is_refused():
    with pytest.raises(SystemExit, match="UPSTREAM_TOKEN_COMMAND"):
        upstream.from_environment({"UPSTREAM_BASE_URL": "http://127.0.0.1:9"})


def test_tokens_come_from_the_command_per_role_and_seed_values_from_the_json_file(tmp_path):
    seed_file = tmp_path / "seed.json"
    seed_file.write_text('{"program_credential_uuid": "theirs"}')

    second = upstream.from_environment(
        {
            "UPSTREAM_BASE_URL": "http://127.0.0.1:18150/",
            "UPSTREAM_TOKEN_COMMAND": 'printf "token-%s-%s" "$1" "$2"',
            "UPSTREAM_SEED_JSON": str(seed_file),
        }
    )

    assert second.tokens == {"worker": "token-worker-bench_worker", "learner": "token-learner-bench_learner", "": None}
    assert second.base_url == second.cold_base_url == "http://127.0.0.1:18150"
    assert second.seed({"program_credential_uuid": "ours", "course_run": "run"}) == {
        "program_credential_uuid": "theirs",
        "course_run": "run",
    }


def test_a_failing_token_command_stops_the_benchmark():
    with pytest.raises(SystemExit, match="failed for worker"):
        upstream.from_environment({"UPSTREAM_BASE_URL": "http://127.0.0.1:9", "UPSTREAM_TOKEN_COMMAND": "exit 3"})


class _CountingServer(http.server.ThreadingHTTPServer):
    def __init__(self):
        self.paths = []
        self.order = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(handler):  # noqa: N805
                self.paths.append(handler.path)
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json")
                handler.send_header("Content-Length", "2")
                handler.end_headers()
                handler.wfile.write(b"{}")

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def two_servers():
    servers = [_CountingServer(), _CountingServer()]
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk (apt-get install wrk)")
def test_the_same_workload_loads_both_services_in_alternating_rounds(two_servers):
    ours_server, theirs_server = two_servers
    scenario = http_bench.SCENARIOS[0]  # /health/, anonymous
    path, body, headers = http_bench.request_of(scenario, {}, {"": None})
    sides = []

    def load_on(server, side):
        def load():
            sides.append(side)
            numbers = http_bench.load(scenario, server.url, path, body, headers, duration=1, threads=1, connections=1)
            return {**numbers, "retries": 0}

        return load

    results = upstream.alternate(2, {"ours": load_on(ours_server, "ours"), "theirs": load_on(theirs_server, "theirs")})
    ours, theirs = results["ours"], results["theirs"]
    lines = upstream.comparison_lines([(scenario.name, upstream.median_numbers(ours), upstream.median_numbers(theirs))])

    assert sides == ["ours", "theirs", "ours", "theirs"]
    assert set(ours_server.paths) == set(theirs_server.paths) == {"/health/"}
    assert all(numbers["rps"] > 0 and numbers["non_2xx"] == 0 for numbers in ours + theirs)
    assert len(lines) == 2 and scenario.name in lines[1] and "ours/theirs" in lines[1]
