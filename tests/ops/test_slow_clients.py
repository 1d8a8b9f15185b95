"""Slow clients ("slowloris") cannot stop the service behind the shipped reverse proxy (issue 14).

gunicorn's sync workers serve one connection each from its first byte: 2 × workers connections that send one
header line at a time hold every worker. docker-compose.yml puts nginx (docker/nginx/credentials.conf.template)
in front, which reads requests whole before gunicorn sees them; these tests run that very file.
"""

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.ops.servers import REPO, free_port, port_is_open

TEMPLATE = REPO / "docker" / "nginx" / "credentials.conf.template"
WORKERS = 2
SLOW_CLIENTS = 2 * WORKERS
ANSWER_WITHIN_SECONDS = 1  # a client-side timeout: the request fails if no answer came in that time
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx (.ci/run installs nginx-light)")


class SlowClients:
    """Connections that each send a request's headers one line a second and never finish them."""

    def __init__(self, port, count, seconds):
        self.port, self.count, self.seconds = port, count, seconds
        self.stop = threading.Event()
        self.connected = threading.Barrier(count + 1)
        self.threads = [threading.Thread(target=self._dribble, daemon=True) for _ in range(count)]

    def _dribble(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.connected.wait(10)
            deadline = time.monotonic() + self.seconds
            line = 0
            while not self.stop.is_set() and time.monotonic() < deadline:
                try:
                    sock.sendall(f"X-Slow-{line}: a\r\n".encode())
                except OSError:
                    return  # the server gave up on this client: fine
                line += 1
                self.stop.wait(1)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        self.connected.wait(10)
        time.sleep(0.5)  # let the server accept them (gunicorn workers pick them up)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(10)


@pytest.fixture
def gunicorn(start_server, server_env):
    return start_server({**server_env, "GUNICORN_WORKERS": str(WORKERS), "GUNICORN_THREADS": "1"})


@pytest.fixture
def nginx(gunicorn, tmp_path):
    """nginx with the shipped server block, in front of the gunicorn above."""
    port = free_port()
    server_block = (
        TEMPLATE.read_text()
        .replace("${CREDENTIALS_UPSTREAM}", f"127.0.0.1:{gunicorn.port}")
        .replace("${NGINX_PORT}", f"127.0.0.1:{port}")
    )
    (tmp_path / "credentials.conf").write_text(server_block)
    for directory in ("body", "proxy"):
        (tmp_path / directory).mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""daemon off;
user root;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/credentials.conf;
}}
"""
    )
    process = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)])
    try:
        for _ in range(100):
            if port_is_open(port):
                break
            assert process.poll() is None, (tmp_path / "error.log").read_text()
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def health(port):
    return requests.get(f"http://127.0.0.1:{port}/health/", timeout=ANSWER_WITHIN_SECONDS)


def test_behind_the_proxy_health_answers_while_slow_clients_hold_twice_the_workers(nginx):
    assert health(nginx).status_code == 200

    with SlowClients(nginx, SLOW_CLIENTS, seconds=6):
        response = health(nginx)  # raises requests.Timeout when no answer came within the second

    assert response.status_code == 200
    assert response.json()["overall_status"] == "OK"


def test_without_the_proxy_the_same_slow_clients_stop_gunicorn(gunicorn):
    """The control: the attack is real, so the test above can fail (README: production needs the proxy)."""
    assert health(gunicorn.port).status_code == 200

    with SlowClients(gunicorn.port, SLOW_CLIENTS, seconds=6), pytest.raises(requests.Timeout):
        health(gunicorn.port)
