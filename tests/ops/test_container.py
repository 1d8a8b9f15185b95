"""The container files, checked without a Docker engine: docker-compose.yml as `docker compose config` resolves
it, the scheduler script the copy-catalog service runs, and the image's HEALTHCHECK command."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.ops.servers import REPO, STARTUP_ATTEMPTS

APP_SERVICES = (
    "migrate",
    "app",
    "copy-catalog",
    "consume-certificate-events",
    "relay-event-outbox",
    "clear-sessions",
)


def compose_command():
    """`docker compose` as installed, or with the plugin .ci/run puts under var/docker; None without either."""
    for extra_env in ({}, {"DOCKER_CONFIG": str(REPO / "var" / "docker")}):
        env = {**os.environ, **extra_env}
        try:
            version = subprocess.run(["docker", "compose", "version"], env=env, capture_output=True, cwd=REPO)
        except FileNotFoundError:
            return None
        if version.returncode == 0:
            return env
    return None


@pytest.fixture(scope="module")
def compose_env():
    env = compose_command()
    if env is None:
        pytest.skip("no `docker compose` here (.ci/run installs the plugin when the docker client is present)")
    return env


def compose_config(compose_env, **variables):
    return subprocess.run(
        ["docker", "compose", "config", "--format", "json"],
        env={**compose_env, **variables},
        capture_output=True,
        text=True,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def stack(compose_env):
    result = compose_config(compose_env, SECRET_KEY="compose-test-secret")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_refuses_to_start_without_a_secret_key(compose_env):
    environment = {key: value for key, value in compose_env.items() if key != "SECRET_KEY"}

    result = subprocess.run(
        ["docker", "compose", "config", "-q"], env=environment, capture_output=True, text=True, cwd=REPO
    )

    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_the_stack_is_mysql_8_memcached_a_migration_the_app_its_proxy_and_the_schedules(stack):
    services = stack["services"]

    assert set(services) == {"mysql", "memcached", "redis", "proxy", *APP_SERVICES}
    assert services["proxy"]["image"].startswith("nginx:")
    assert re.fullmatch(r"mysql:8(\.\d+)*", services["mysql"]["image"])
    assert services["memcached"]["image"].startswith("memcached:")
    assert {services[name]["image"] for name in APP_SERVICES} == {"credentials:latest"}
    assert all(services[name]["build"]["dockerfile"] == "Dockerfile" for name in APP_SERVICES)


def test_migrations_run_once_before_the_app_and_the_schedule_start(stack):
    services = stack["services"]

    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["mysql"]["condition"] == "service_healthy"
    for name in APP_SERVICES[1:]:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_copy_catalog_runs_daily_by_default_and_on_the_configured_interval(stack, compose_env):
    command = stack["services"]["copy-catalog"]["command"]
    hourly = json.loads(compose_config(compose_env, SECRET_KEY="x", COPY_CATALOG_INTERVAL="3600").stdout)

    assert command == ["docker/every.sh", "86400", "python", "manage.py", "copy_catalog"]
    assert hourly["services"]["copy-catalog"]["command"][1] == "3600"


def test_expired_sessions_are_cleared_daily(stack):
    assert stack["services"]["clear-sessions"]["command"] == [
        "docker/every.sh",
        "86400",
        "python",
        "manage.py",
        "clearsessions",
    ]


def test_only_the_proxy_port_is_published_and_media_is_a_shared_volume(stack):
    services = stack["services"]

    assert [(port["target"], port["published"]) for port in services["proxy"]["ports"]] == [(8150, "8150")]
    assert services["proxy"]["environment"]["CREDENTIALS_UPSTREAM"] == "app:8150"
    assert not any(services[name].get("ports") for name in services if name != "proxy")
    assert {"mysql-data", "media"} <= set(stack["volumes"])
    for name in APP_SERVICES:
        assert {"type": "volume", "source": "media", "target": "/app/var/media"} in [
            {key: volume[key] for key in ("type", "source", "target")} for volume in services[name]["volumes"]
        ]


def test_app_containers_use_the_stack_database_and_cache_and_pass_operator_settings_through(stack, compose_env):
    environment = stack["services"]["app"]["environment"]
    configured = json.loads(
        compose_config(compose_env, SECRET_KEY="x", JWT_ISSUERS='[{"ISSUER": "lms"}]', MYSQL_PASSWORD="pw").stdout
    )["services"]["app"]["environment"]

    assert environment["CACHE_URL"] == "memcached://memcached:11211"
    assert environment["SECRET_KEY"] == "compose-test-secret"
    assert environment["JWT_ISSUERS"] is None  # unset in the shell: not set in the container
    assert configured["JWT_ISSUERS"] == '[{"ISSUER": "lms"}]'
    assert configured["DATABASE_URL"] == "mysql://credentials:pw@mysql:3306/credentials"


# --- docker/every.sh: the scheduler -------------------------------------------------------------------------


def test_the_scheduler_repeats_the_command_logs_failures_and_stops_on_sigterm(tmp_path):
    runs = tmp_path / "runs"
    scheduler = subprocess.Popen(
        ["docker/every.sh", "0", "sh", "-c", f"echo run >> {runs}; exit 3"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    for _ in range(STARTUP_ATTEMPTS):
        if runs.exists() and len(runs.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)

    scheduler.send_signal(signal.SIGTERM)
    output, _ = scheduler.communicate(timeout=60)

    assert len(runs.read_text().splitlines()) >= 3
    assert scheduler.returncode == 0
    lines = [json.loads(line) for line in output.splitlines()]
    assert (lines[0]["level"], lines[0]["message"]) == ("INFO", f"running: sh -c echo run >> {runs}; exit 3")
    assert (lines[1]["level"], lines[1]["message"]) == ("ERROR", f"exit status 3: sh -c echo run >> {runs}; exit 3")
    assert lines[-1]["message"] == "stopping"


# --- the image's HEALTHCHECK -----------------------------------------------------------------------------------


def healthcheck_command():
    dockerfile = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    [line] = [line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK")]
    return json.loads(line.split(" CMD ", 1)[1])


def run_healthcheck(port):
    command = healthcheck_command()
    assert command[0] == "python"
    return subprocess.run([sys.executable, *command[1:]], env={**os.environ, "PORT": str(port)}, capture_output=True)


def test_the_image_healthcheck_passes_on_a_healthy_server_and_fails_once_it_is_gone(start_server, server_env):
    server = start_server(server_env)

    healthy = run_healthcheck(server.port)
    server.stop()
    gone = run_healthcheck(server.port)

    assert healthy.returncode == 0, healthy.stderr
    assert gone.returncode != 0


def test_the_image_healthcheck_fails_while_the_database_is_unreachable(start_server, server_env):
    server = start_server({**server_env, "DATABASE_URL": "sqlite:////nonexistent-directory/credentials.sqlite3"})

    assert server.get("/health/").status_code == 503
    assert run_healthcheck(server.port).returncode != 0


def test_the_event_consumer_and_the_outbox_relay_run_on_the_stacks_redis(stack):
    services = stack["services"]

    assert services["consume-certificate-events"]["command"][:7] == [
        "python",
        "manage.py",
        "consume_events",
        "-t",
        "learning-certificate-lifecycle",
        "-g",
        "credentials.learning-certificate-lifecycle",
    ]
    assert services["relay-event-outbox"]["command"] == ["python", "manage.py", "relay_event_outbox"]
    for name in ("consume-certificate-events", "relay-event-outbox"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    environment = services["app"]["environment"]
    assert environment["EVENT_BUS_REDIS_CONNECTION_URL"] == "redis://redis:6379/0"
    assert environment["EVENT_BUS_PRODUCER"] == "credentials.apps.core.event_bus.create_producer"
    assert services["redis"]["image"].startswith("redis:")
