"""Structured logging: one JSON object per line on stdout, each carrying the current request's id.

Only the standard library is used here, so settings modules and the gunicorn configuration can import it
before Django is set up.
"""

import contextvars
import json
import logging
import re
import traceback
import uuid
from datetime import UTC, datetime

# The id of the request being served by this thread (or task), for every log line written meanwhile and
# for outbound calls that forward it as X-Request-ID (spec/integration.md §1.1 step 5).
_request_id = contextvars.ContextVar("request_id", default=None)

# An incoming X-Request-ID is kept when it looks like an id (a UUID, a load balancer's trace id, ...);
# anything else is replaced so that no client can put arbitrary text into our logs and headers.
_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,199}$")

DEFAULT_TEXT_FORMAT = "%(asctime)s %(levelname)s %(process)d [%(name)s] %(filename)s:%(lineno)d - %(message)s"

# Attributes every LogRecord has; anything else on a record was passed with ``extra=`` and is logged as a
# field of its own.
_STANDARD_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}
# ``extra`` values that are objects, not data (django.request passes the HttpRequest).
_SKIPPED_EXTRA_ATTRIBUTES = frozenset({"request"})


def get_request_id():
    """The id of the request being served, or None outside a request."""
    return _request_id.get()


def bind_request_id(incoming=None):
    """Make ``incoming`` (if it is a plausible id) or a new id the current request id; return it and a token
    for :func:`unbind_request_id`."""
    request_id = incoming if incoming and _REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
    return request_id, _request_id.set(request_id)


def unbind_request_id(token):
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (None outside a request), so formatters may use it."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            # django.request logs 4xx/5xx responses after the middleware has returned, with the request.
            record.request_id = _request_id.get() or getattr(getattr(record, "request", None), "request_id", None)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, ``extra`` fields, exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "process": record.process,
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_RECORD_ATTRIBUTES and name not in _SKIPPED_EXTRA_ATTRIBUTES:
                entry[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            entry["exception_type"] = record.exc_info[0].__name__
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(*, level="INFO", fmt="json", format_string=None):
    """A ``LOGGING`` dictConfig sending everything to stdout, as JSON (``fmt="json"``) or as text.

    ``format_string`` is the text format (upstream's ``LOGGING_FORMAT_STRING``); levels of the noisy
    libraries follow spec/integration.md §6.6.
    """
    if fmt not in ("json", "text"):
        raise ValueError(f"log format must be 'json' or 'text', got {fmt!r}")
    level = level.upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"unknown log level {level!r}")
    # Chatty libraries log from WARNING up, or from the chosen level when that is higher.
    quiet = max(logging.WARNING, logging.getLevelName(level))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "credentials.apps.core.logging.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "credentials.apps.core.logging.JsonFormatter"},
            "text": {"format": format_string or DEFAULT_TEXT_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": fmt,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            name: {"level": quiet} for name in ("django.request", "requests", "urllib3", "factory", "pymemcache")
        },
    }
