import json
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.ops.servers import Gunicorn, Memcached, manage, production_env

USING_MYSQL = os.environ.get("DATABASE_URL", "").startswith("mysql")
requires_mysql = pytest.mark.skipif(not USING_MYSQL, reason="needs DATABASE_URL=mysql://... (MariaDB/MySQL)")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic with the production settings, as the Docker build does."""
    root = tmp_path_factory.mktemp("static")
    manage(production_env(STATIC_ROOT=root, LOG_LEVEL="WARNING"), "collectstatic", "--noinput", "-v", "0")
    return root


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory):
    """A database of its own for the servers the tests start, migrated with the production settings.

    On MySQL it is ``<DATABASE_URL's name>_e2e`` on the same server, dropped at the end; otherwise a SQLite
    file. The test process itself never connects to it: tests arrange data through ``manage.py shell``.
    """
    if USING_MYSQL:
        import MySQLdb

        parts = urlsplit(os.environ["DATABASE_URL"])
        name = parts.path.lstrip("/") + "_e2e"
        url = urlunsplit(parts._replace(path="/" + name))
        admin = MySQLdb.connect(
            host=parts.hostname, port=parts.port or 3306, user=parts.username or "root", passwd=parts.password or ""
        )
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'credentials.sqlite3'}"
    manage(production_env(DATABASE_URL=url, LOG_LEVEL="WARNING"), "migrate", "--noinput", "-v", "0")
    yield url
    if USING_MYSQL:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


@pytest.fixture
def server_env(static_root, e2e_database_url):
    """What a production container gets, pointed at the test database and static files; the JWT issuers are
    the test settings' so tests.jwt_helpers mints tokens the servers accept."""
    return production_env(
        DATABASE_URL=e2e_database_url,
        STATIC_ROOT=static_root,
        JWT_ISSUERS=json.dumps(settings.JWT_AUTH["JWT_ISSUERS"]),
        GUNICORN_WORKERS=2,
    )


@pytest.fixture
def start_server(tmp_path):
    """Start gunicorn with an environment; every server is stopped when the test ends."""
    servers = []

    def start(env):
        server = Gunicorn(env, tmp_path / f"gunicorn-{len(servers)}.log")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def memcached():
    """A private memcached on a free port, stopped after the test (tests may stop it earlier)."""
    with Memcached() as server:
        yield server
