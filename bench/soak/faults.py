"""The faults the soak injects, each recorded as a time window."""

import signal
import time
from dataclasses import dataclass, field

from bench.soak.processes import manage


@dataclass
class Window:
    name: str
    started: float
    ended: float | None = None
    notes: dict = field(default_factory=dict)


def open_window(name, at, windows):
    """Wait until ``at`` (a time.monotonic() value), then record the fault's window as started."""
    time.sleep(max(0.0, at - time.monotonic()))
    window = Window(name, time.monotonic())
    windows.append(window)
    return window


def restart_mariadb(mariadb, at, outage, windows, log):
    window = open_window("mariadb-restart", at, windows)
    log(f"fault: stopping MariaDB on port {mariadb.port} for {outage:g} s")
    mariadb.stop()
    window.notes["stopped_after_s"] = round(time.monotonic() - window.started, 2)
    time.sleep(outage)
    mariadb.start()
    window.ended = time.monotonic()
    window.notes["down_s"] = round(window.ended - window.started, 2)
    log(f"fault: MariaDB is back after {window.notes['down_s']} s")


def freeze_mariadb(mariadb, at, outage, windows, log):
    """SIGSTOP then SIGCONT: a database that still holds its connections but answers nothing (a hung host or
    a network partition), unlike a restart, where connections are refused at once."""
    window = open_window("mariadb-freeze", at, windows)
    log(f"fault: freezing MariaDB on port {mariadb.port} for {outage:g} s")
    mariadb.process.send_signal(signal.SIGSTOP)
    time.sleep(outage)
    mariadb.process.send_signal(signal.SIGCONT)
    window.ended = time.monotonic()
    log("fault: MariaDB answers again")


def kill_memcached(memcached, kill_at, restart_at, windows, log):
    window = open_window("memcached-kill", kill_at, windows)
    log(f"fault: killing memcached on port {memcached.port}")
    memcached.kill()
    time.sleep(max(0.0, restart_at - time.monotonic()))
    memcached.start()
    window.ended = time.monotonic()
    log("fault: memcached restarted")


def copy_catalog_against_blackhole(env, windows, log):
    window = Window("copy_catalog-blackhole", time.monotonic())
    windows.append(window)
    log("fault: copy_catalog against a discovery that never answers")
    result = manage(env, "copy_catalog", timeout=600)
    window.ended = time.monotonic()
    window.notes.update({"exit_status": result.returncode, "seconds": round(window.ended - window.started, 1)})
    window.notes["output"] = (result.stdout + result.stderr).strip().splitlines()[-3:]
    log(f"fault: copy_catalog exited {result.returncode} after {window.notes['seconds']} s")
