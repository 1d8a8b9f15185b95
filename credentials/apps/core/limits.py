"""Request body size limit: bodies over ``MAX_REQUEST_BODY_BYTES`` get 413 with a JSON ``{"detail": ...}``.

Two checks, because a declared length is only a claim: a ``Content-Length`` over the limit is refused before
anything is read, and the stream a view reads from is bounded too, so a body that turns out longer than
the limit (a handler that passes a stream without a length, a lying client) stops at the limit and is
refused the same way. The largest legitimate bodies are a bulk learner-status request and an admin form
with a signatory image (at most 250 KB), well under the 1 MiB default.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

log = logging.getLogger(__name__)


class RequestBodyTooLarge(RequestDataTooBig):
    """The body is longer than MAX_REQUEST_BODY_BYTES. A RequestDataTooBig, so even unhandled it is a 400."""


def too_large_response(limit):
    return JsonResponse(
        {"detail": f"Request body too large: at most {limit} bytes are accepted."},
        status=413,
    )


class BoundedStream:
    """A file-like wrapper that raises RequestBodyTooLarge once more than ``limit`` bytes have been read."""

    def __init__(self, stream, limit):
        self.stream = stream
        self.limit = limit
        self.read_so_far = 0

    def _count(self, data):
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise RequestBodyTooLarge(f"Request body longer than {self.limit} bytes.")
        return data

    def read(self, size=-1):
        # Never ask the underlying stream for more than one byte past the limit.
        room = self.limit + 1 - self.read_so_far
        size = room if size is None or size < 0 else min(size, room)
        return self._count(self.stream.read(size))

    def readline(self, size=-1):
        room = self.limit + 1 - self.read_so_far
        size = room if size is None or size < 0 else min(size, room)
        return self._count(self.stream.readline(size))

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self):
        self.stream.close()


class RequestBodyLimitMiddleware:
    """Refuses request bodies over ``settings.MAX_REQUEST_BODY_BYTES`` (0 or None: no limit) with 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "MAX_REQUEST_BODY_BYTES", None)
        if limit:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0  # Django reads nothing for an unparsable length either
            if declared > limit:
                log.warning("Refused a %s-byte body on %s %s", declared, request.method, request.path)
                return too_large_response(limit)
            if hasattr(request, "_stream"):
                request._stream = BoundedStream(request._stream, limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestBodyTooLarge):
            log.warning("Refused an over-long body on %s %s", request.method, request.path)
            return too_large_response(settings.MAX_REQUEST_BODY_BYTES)
        return None
