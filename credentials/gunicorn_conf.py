"""gunicorn settings for the Docker image and `make serve`: `gunicorn -c credentials/gunicorn_conf.py
credentials.wsgi:application`. Every knob is an environment variable (README.md, "Production").

Requests are logged by the application (one JSON line each, credentials/apps/core/middleware.py), so
gunicorn's access log is off; its own messages (start, worker boot, timeouts) are JSON lines on stdout too.
"""

import gc
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8150)}"
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 1)  # more than 1 selects the threaded worker
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle a worker after this many requests (0: never), spread by the jitter so they do not all restart.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
# Imports the application once in the master: a broken configuration fails at start, not in every worker.
preload_app = True
# The heartbeat file of each worker; on a container's disk a slow write could get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Several servers may run on one machine (tests, `make serve` beside a container): no shared control socket.
control_socket_disable = True
# Proxies whose X-Forwarded-* headers gunicorn trusts (Django uses SECURE_PROXY_SSL_HEADER on its own).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "credentials.apps.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(process)d [%(name)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if os.environ.get("LOG_FORMAT", "json") == "json" else "text",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}


def when_ready(server):
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    if "locmem" in backend or "dummy" in backend:
        server.log.warning(
            "CACHES['default'] is %s: throttles and cached data are per process, not shared; "
            "set CACHE_URL=memcached://... when running more than one process.",
            backend,
        )


def pre_fork(server, worker):
    # The master has imported the whole application (preload_app). Frozen, those objects are left out of every
    # garbage collection in the workers: a full collection no longer walks them (a pause of ~0.1 s every few
    # thousand writes), and no longer writes to every page that holds one, which un-shared those pages from
    # the master. Measured after a load of writes and lists: a worker's private memory 63 -> 35 MB (README).
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    # The master imported the application (preload_app); a worker must never share its sockets.
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        getattr(cache, "disconnect", cache.close)()
