"""A local Segment endpoint over real HTTP: it answers POST /v1/batch as Segment's API does and keeps what it
received, so tests read the events that segment-analytics-python really sent."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSegment:
    def __init__(self, status=200):
        self.status = status
        self.batches = []  # (write key from the Authorization header, body)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                basic = self.headers.get("Authorization", "").removeprefix("Basic ")
                fake.batches.append((base64.b64decode(basic).decode().rstrip(":"), self.path, body))
                answer = b'{"success": true}' if fake.status == 200 else b'{"code": "bad", "message": "refused"}'
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def events(self):
        return [message for _, _, body in self.batches for message in body["batch"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
