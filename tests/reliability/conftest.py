"""Fault tests: real processes (gunicorn, a private MariaDB, a private memcached, a hung LMS), so they run only
where the binaries and the MySQL driver are installed. Deselect them with ``-m "not reliability"``."""

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

NEEDED_BINARIES = ("mariadb-install-db", "mariadbd", "mysqladmin", "memcached")


def missing_requirements():
    missing = [name for name in NEEDED_BINARIES if not (shutil.which(name) or Path("/usr/sbin", name).exists())]
    if not (Path(sys.executable).parent / "gunicorn").exists():
        missing.append("gunicorn (requirements/server.txt)")
    if importlib.util.find_spec("MySQLdb") is None:
        missing.append("mysqlclient (requirements/mysql.txt)")
    return missing


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "reliability: starts gunicorn, a private MariaDB and memcached (skipped where they are missing)"
    )


def pytest_collection_modifyitems(config, items):
    missing = missing_requirements()
    for item in items:
        if item.get_closest_marker("reliability") and missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {', '.join(missing)}"))
