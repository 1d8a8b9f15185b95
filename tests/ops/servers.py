"""Real processes for the operations tests: gunicorn with the production settings, memcached, and a TCP proxy
that can cut the app off from its database. Everything listens on 127.0.0.1 and is stopped by the tests.

Waiting for a process to come up is bounded by a number of attempts so that a broken start fails the test
with the server's log instead of hanging; no test asserts how long anything takes.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from bench.soak.processes import free_port, popen_gunicorn, port_is_open

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin/: gunicorn is installed beside python
SECRET_KEY = "ops-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
STARTUP_ATTEMPTS = 600  # × 0.1 s


def production_env(**overrides):
    """The environment of a production process on this machine (no TLS proxy in front: tests send
    X-Forwarded-Proto themselves)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "CACHE_", "MEMCACHED_", "AWS_", "GUNICORN_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "credentials.settings.production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "INFO",
            "LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def manage(env, *args, input=None):
    """Run manage.py with ``env``; return its stdout, raise with its output when it fails."""
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=REPO, env=env, input=input, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Gunicorn:
    """``gunicorn -c credentials/gunicorn_conf.py credentials.wsgi:application``, as the image runs it."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.log_path = Path(log_path)
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with open(self.log_path, "ab") as log_file:
            self.process = popen_gunicorn(self.env, log_file)
        workers = int(self.env.get("GUNICORN_WORKERS") or 2)
        for _ in range(STARTUP_ATTEMPTS):
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log_text()}")
            if self.log_text().count("Booting worker with pid") >= workers:
                try:
                    requests.get(self.base_url + "/health/", timeout=5)
                    return self
                except requests.ConnectionError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not answer on {self.base_url}:\n{self.log_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def request(self, method, path, *, https=True, headers=None, **kwargs):
        headers = {**({"X-Forwarded-Proto": "https"} if https else {}), **(headers or {})}
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return requests.request(method, self.base_url + path, headers=headers, **kwargs)

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_records(self):
        """Every JSON line the server wrote (non-JSON lines would be a defect: the test asserts there are none)."""
        return [json.loads(line) for line in self.log_text().splitlines() if line.strip()]


class Memcached:
    """A private memcached (the shared one on 11211 is other engineers')."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"memcached://127.0.0.1:{self.port}"

    def start(self):
        executable = shutil.which("memcached") or "/usr/bin/memcached"
        command = [executable, "-l", "127.0.0.1", "-p", str(self.port), "-U", "0", "-m", "16"]
        if os.geteuid() == 0:
            command += ["-u", "memcache"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(STARTUP_ATTEMPTS):
            if self.process.poll() is not None:
                raise AssertionError(f"memcached exited: {self.process.stderr.read().decode()}")
            if port_is_open(self.port):
                return self
            time.sleep(0.05)
        raise AssertionError("memcached did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        for _ in range(STARTUP_ATTEMPTS):
            if not port_is_open(self.port):
                return
            time.sleep(0.05)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a backend; ``cut()`` refuses new connections and drops open ones, as a
    database that went away does; ``restore()`` lets connections through again."""

    def __init__(self, backend_host, backend_port):
        self.backend = (backend_host, backend_port)
        self.port = free_port()
        self._listener = None
        self._open = set()
        self._lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    restore = start

    def cut(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):  # shutdown wakes the thread blocked in accept(); close() does not
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    stop = cut

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.backend)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
