"""A real HTTP server on 127.0.0.1 for faking a badge provider: records every request, and refuses (4xx)
whatever the real provider would refuse, so a wrong path, header or body fails the test that sent it."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

DISCONNECT = "disconnect"


@dataclass
class Recorded:
    method: str
    path: str  # path and query, exactly as sent
    headers: dict
    body: object  # decoded JSON, or None without a body
    answer: int = 0  # the status answered, 0 when the connection was dropped


@dataclass
class Failure:
    """Answer ``status`` (or drop the connection) to the next request whose path contains ``path``."""

    status: object
    path: str = ""
    method: str | None = None
    body: dict = field(default_factory=lambda: {"error": "injected failure"})


class Refused(Exception):
    """Raised by a route: the request is answered ``status`` with ``message`` (and the test learns why)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class FakeProviderServer:
    """Subclasses implement ``route(method, path, query, headers, body) -> (status, json body)``."""

    def __init__(self):
        self.requests = []
        self.failures = []
        self.refusals = []  # (request, reason) of every 4xx the fake chose, for readable test failures
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, status, *, path="", method=None, times=1):
        """The next ``times`` matching requests answer ``status`` (an int, or DISCONNECT)."""
        with self._lock:
            self.failures.extend(Failure(status=status, path=path, method=method) for _ in range(times))

    def _take_failure(self, method, path):
        with self._lock:
            for failure in self.failures:
                if failure.path in path and failure.method in (None, method):
                    self.failures.remove(failure)
                    return failure
        return None

    def calls(self, method=None):
        """(method, path) of every request received, in order."""
        return [(r.method, r.path) for r in self.requests if method in (None, r.method)]

    def route(self, method, path, query, headers, body):
        raise NotImplementedError

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep the test output clean
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = ("not json", raw)
                recorded = Recorded(self.command, self.path, dict(self.headers.items()), body)
                with fake._lock:
                    fake.requests.append(recorded)
                failure = fake._take_failure(self.command, self.path)
                if failure and failure.status == DISCONNECT:
                    self.close_connection = True
                    return  # nothing written: the client sees the connection dropped
                if failure:
                    status, answer = failure.status, failure.body
                else:
                    split = urlsplit(self.path)
                    try:
                        status, answer = fake.route(self.command, split.path, split.query, self.headers, body)
                    except Refused as refusal:
                        fake.refusals.append((recorded, str(refusal)))
                        status, answer = refusal.status, {"error": str(refusal)}
                recorded.answer = status
                payload = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        return Handler


def require_json_headers(headers, authorization):
    """Both providers want JSON both ways and one exact Authorization value."""
    if headers.get("Accept") != "application/json":
        raise Refused(406, f"Accept must be application/json, got {headers.get('Accept')!r}")
    if headers.get("Content-Type") != "application/json":
        raise Refused(415, f"Content-Type must be application/json, got {headers.get('Content-Type')!r}")
    if headers.get("Authorization") != authorization:
        raise Refused(401, f"bad Authorization {headers.get('Authorization')!r}")


def require_keys(body, keys, what):
    if not isinstance(body, dict) or set(body) != set(keys):
        raise Refused(422, f"{what} must have exactly the keys {sorted(keys)}, got {body!r}")
