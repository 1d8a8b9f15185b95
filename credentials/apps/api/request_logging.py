"""The waffle switch ``api.log_incoming_requests`` (spec/integration.md §6.9): while it is on, every write to
the v2 API is logged at INFO with its method, path, caller, Host header and body, so an operator can see
what the LMS actually sends. Secrets never reach the log: values under secret-looking keys and anything
shaped like a JWT are replaced by "[redacted]".

The switch's state is remembered in each process for SWITCH_MEMO_SECONDS (asking waffle was a memcached round
trip on every write, issue 20): saving or deleting a switch in a process forgets it there at once, and every
other worker follows within those seconds."""

import json
import logging
import re
import time

import waffle
from rest_framework.exceptions import ParseError

SWITCH = "api.log_incoming_requests"
SWITCH_MEMO_SECONDS = 5.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REDACTED = "[redacted]"
SECRET_KEY = re.compile(r"password|secret|token|jwt|authorization|api[_-]?key|private|credential_key", re.IGNORECASE)
JWT_SHAPE = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]*")

log = logging.getLogger("credentials.api.incoming")


_switch_memo = {"active": False, "until": 0.0}


def logging_is_on():
    now = time.monotonic()
    if now >= _switch_memo["until"]:
        _switch_memo.update(active=waffle.switch_is_active(SWITCH), until=now + SWITCH_MEMO_SECONDS)
    return _switch_memo["active"]


def forget_switch(**kwargs):
    """Receiver of post_save/post_delete of waffle's Switch."""
    _switch_memo["until"] = 0.0


def redact(value):
    """A copy of a parsed body with secrets replaced (dicts and lists at any depth, JWT-shaped strings)."""
    if isinstance(value, dict):
        return {key: REDACTED if SECRET_KEY.search(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return JWT_SHAPE.sub(REDACTED, value)
    return value


def _plain(data):
    """Form bodies arrive as a QueryDict: one value per key, a list when a key was repeated."""
    if hasattr(data, "lists"):
        return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}
    return data


class LogIncomingWritesMixin:
    """For DRF views: log the write once the caller is authenticated (so the line names them)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in WRITE_METHODS and logging_is_on():
            try:
                body = json.dumps(redact(_plain(request.data)), default=str, sort_keys=True)
            except ParseError:
                # Logged, then raised here: DRF forgets a body it failed to parse, so the handler would
                # otherwise see an empty one instead of answering the same 400 as with the switch off.
                self._log_write(request, "<unparseable body>")
                raise
            self._log_write(request, body)

    @staticmethod
    def _log_write(request, body):
        log.info(
            "Incoming %s %s by %s on %s: %s",
            request.method,
            request.path,
            request.user.get_username() if request.user.is_authenticated else "anonymous",
            request.get_host(),
            body,
        )
