"""A local HTTP server that replays AfterShip 2025-01 answers (payloads: aftership_payloads.py)."""

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.tracking.aftership_payloads import envelope

PATH = "/tracking/2025-01/trackings"


class FakeAfterShip(ThreadingHTTPServer):
    """Answers each request with the next queued reply and records what it was asked."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReplayHandler)
        self.requests = []
        self.replies = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/tracking/2025-01"

    def reply(self, status=200, body=None, *, headers=None, delay=0.0):
        self.replies.append((status, body, headers or {}, delay))

    def handle_error(self, request, client_address):
        pass  # a client that gave up waiting (the timeout test) is not a server failure


class ReplayHandler(BaseHTTPRequestHandler):
    def answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        self.server.requests.append(
            {
                "method": self.command,
                "path": url.path,
                "query": parse_qs(url.query),
                "api_key": self.headers.get("as-api-key"),
                "json": json.loads(body) if body else None,
            }
        )
        status, payload, headers, delay = (
            self.server.replies.pop(0) if self.server.replies else (404, envelope(404), {}, 0)
        )
        time.sleep(delay)
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        content_type = "text/html" if isinstance(payload, bytes) else "application/json"
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass
