"""Reading settings from the environment.

Every environment (``make run``, ``make test``, CI, production) configures the database and the cache
through the same two variables, ``DATABASE_URL`` and ``CACHE_URL``; everything else that names an outside
service or a secret is read from a variable of the same name as the setting.
"""

import json
import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def get_str(name, default=None):
    return os.environ.get(name, default)


def get_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def get_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def get_list(name, default=()):
    """A comma-separated list, e.g. ``ALLOWED_HOSTS=a.example.com,b.example.com``."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_json(name, default=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be valid JSON: {exc}") from exc


MYSQL_ENGINE = "credentials.apps.core.mysql"


def database_from_url(url, conn_max_age=0):
    """``sqlite:///path`` or ``mysql://user:pass@host:port/name`` → a DATABASES entry."""
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    if config["ENGINE"] == "django.db.backends.mysql":
        # Django's backend, opening transactions with BEGIN (one statement instead of two; core/mysql/base.py).
        config["ENGINE"] = MYSQL_ENGINE
        config.setdefault("OPTIONS", {}).update(
            {
                "charset": "utf8mb4",
                # Strict mode makes MySQL refuse over-long or invalid values instead of truncating them.
                "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
                "connect_timeout": 5,
            }
        )
        # A database that holds the connection but answers nothing (hung host, partition) must turn into a
        # quick 503, not a request stuck until gunicorn kills the worker. 0 disables it, e.g. for a
        # migration that rebuilds a very large table.
        read_timeout = get_int("DATABASE_READ_TIMEOUT", 5)
        if read_timeout > 0:
            config["OPTIONS"].update({"read_timeout": read_timeout, "write_timeout": read_timeout})
        config.setdefault("TEST", {}).update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                # A transaction takes the write lock when it begins, so concurrent writers queue for it instead of
                # failing half-way with "database is locked" when a read lock cannot be upgraded.
                "transaction_mode": "IMMEDIATE",
                # Seconds a writer waits for the lock before "database is locked".
                "timeout": get_int("SQLITE_BUSY_TIMEOUT", 20),
                # Readers do not wait for the writer (write-ahead log); NORMAL sync is safe with WAL.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            }
        )
    return config


def cache_from_url(url):
    """``locmem://`` or ``memcached://host:port[,host:port]`` → a CACHES entry."""
    parts = urlsplit(url)
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "default"}
    if parts.scheme in ("memcached", "pymemcache"):
        locations = [loc for loc in parts.netloc.split(",") if loc]
        if not locations:
            raise ImproperlyConfigured(f"CACHE_URL {url!r} names no memcached server")
        return {
            "BACKEND": "credentials.apps.core.cache.PyMemcacheCache",  # logs failures, keeps sockets
            "LOCATION": locations,
            "KEY_PREFIX": "credentials",
            # ignore_exc: a memcached outage turns into cache misses, not 500s. Short timeouts keep a dead
            # server from stalling requests.
            "OPTIONS": {
                "no_delay": True,
                "ignore_exc": True,
                "use_pooling": True,
                "connect_timeout": 0.5,
                "timeout": 0.5,
            },
        }
    if parts.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL scheme {parts.scheme!r} is not supported (use locmem:// or memcached://)")
