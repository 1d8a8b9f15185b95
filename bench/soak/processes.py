"""The processes the soak starts and owns: gunicorn, memcached, a private MariaDB, a black hole."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.soak.config import BIN, REPO


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def popen_gunicorn(env, log, **popen):
    """The service under gunicorn with its production configuration, from the repository's root."""
    command = [str(BIN / "gunicorn"), "-c", "credentials/gunicorn_conf.py", "credentials.wsgi:application"]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, **popen)


def refuse_taken(port, option):
    if port_is_open(port):
        raise RuntimeError(f"port {port} is taken: choose another {option}")


def port_is_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(predicate, *, attempts, interval, what):
    for _ in range(attempts):
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}")


def stop_process(process, *, sig=signal.SIGTERM, group=False, wait=60):
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig) if group else process.send_signal(sig)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait()


@dataclass
class Memcached:
    """A memcached of our own (other engineers' tests flush the shared one)."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self):
        return f"memcached://127.0.0.1:{self.port}"

    def start(self):
        refuse_taken(self.port, "--memcached-port")
        command = [shutil.which("memcached") or "/usr/bin/memcached", "-l", "127.0.0.1", "-p", str(self.port)]
        command += ["-U", "0", "-m", "64"] + (["-u", "root"] if os.geteuid() == 0 else [])
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_is_open(self.port), attempts=100, interval=0.05, what="memcached")
        return self

    def kill(self):
        stop_process(self.process, sig=signal.SIGKILL)
        wait_until(lambda: not port_is_open(self.port), attempts=100, interval=0.05, what="memcached to stop")

    stop = kill


class PrivateMariaDB:
    """A throw-away MariaDB (data directory under ``root``) that the soak may stop and start at will."""

    def __init__(self, root, port):
        self.root = Path(root)
        self.datadir = self.root / "data"
        self.port = port
        self.process = None

    def url(self, name):
        return f"mysql://root:@127.0.0.1:{self.port}/{name}"

    def install(self):
        refuse_taken(self.port, "--mariadb-port")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        command = ["mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}", "--skip-test-db"]
        command += ["--auth-root-authentication-method=normal"] + (["--user=root"] if os.geteuid() == 0 else [])
        with open(self.root / "install.log", "wb") as log:
            subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True)
        return self

    def start(self):
        command = [
            shutil.which("mariadbd") or "/usr/sbin/mariadbd",
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.root / 'mysqld.sock'}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={self.root / 'mysqld.pid'}",
            f"--log-error={self.root / 'error.log'}",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=128M",
            "--max-connections=500",
        ] + (["--user=root"] if os.geteuid() == 0 else [])
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.ping, attempts=300, interval=0.1, what=f"MariaDB on port {self.port}")
        return self

    def ping(self):
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"mariadbd exited; see {self.root / 'error.log'}")
        result = subprocess.run(
            ["mysqladmin", "-uroot", "-h127.0.0.1", f"-P{self.port}", "--connect-timeout=1", "ping"],
            capture_output=True,
        )
        return result.returncode == 0

    def stop(self):
        stop_process(self.process, wait=120)
        self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


class BlackHole:
    """A TCP server that accepts every connection, reads what it is sent and never answers (a hung LMS or
    discovery). Connections are closed when the server stops."""

    def __init__(self):
        self.port = free_port()
        self.accepted = 0
        self._sockets = []
        self._listener = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port), backlog=128)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self):
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._sockets.append(connection)

    def stop(self):
        with contextlib.suppress(OSError):
            self._listener.close()
        for connection in self._sockets:
            with contextlib.suppress(OSError):
                connection.close()


@dataclass
class Gunicorn:
    """``gunicorn -c credentials/gunicorn_conf.py credentials.wsgi:application``, as the image runs it."""

    env: dict
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def __post_init__(self):
        self.env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        refuse_taken(self.port, "--port")
        with open(self.log_path, "wb") as log:
            self.process = popen_gunicorn(self.env, log, start_new_session=True)

        def healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                return requests.get(self.base_url + "/health/", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(healthy, attempts=300, interval=0.1, what="gunicorn")
        return self

    def stop(self):
        stop_process(self.process, group=True)


def manage(env, *args, timeout=600):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def create_database(url):
    import MySQLdb

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = MySQLdb.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    finally:
        connection.close()
