"""A local receiver of Seller Center's webhooks: checks each signature, records what came, and
fails on purpose when told to (500, a redirect, no answer, a slow answer).

The tests start it on a free loopback port (`receiver_start`); `manage.py webhook_receiver`
runs it for the demo. The path an endpoint names chooses how it answers: `/ok` (or anything
else) 200, `/500`, `/redirect` (302), `/hang` (no answer for `hang_seconds`), `/slow` (200
after `slow_seconds`); `fail_next(n, mode)` makes the next n requests fail whatever the path.
`verify` is the snippet of docs/webhooks.md, as a receiver would write it.
"""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """True when `header` (Seller-Center-Signature) signs `body` with `secret`, recently."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False  # too old (or from the future): a replay
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(
        hmac.compare_digest(expected, value)
        for key, value in (item.split("=", 1) for item in header.split(","))
        if key == "v1"
    )


@dataclass
class Received:
    path: str
    event_id: str
    body: bytes
    verified: bool
    answered: int | None

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class ReceiverState:
    secrets: dict = field(default_factory=dict)  # path → secret; "*" for every path
    received: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # modes of the next requests, in order
    hang_seconds: float = 15.0
    slow_seconds: float = 1.0
    secret_lookup: object = None  # path → secret, asked at each request (the demo's endpoint)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, count: int, mode: str = "500") -> None:
        with self.lock:
            self.failures.extend([mode] * count)

    def delivered(self, path: str | None = None) -> list[Received]:
        """The requests answered 2xx (for `path`, if given)."""
        with self.lock:
            rows = list(self.received)
        return [r for r in rows if r.answered and r.answered < 300 and path in (None, r.path)]


class _Handler(BaseHTTPRequestHandler):
    server: "WebhookReceiver"
    protocol_version = "HTTP/1.1"  # keep-alive, as any production server answers
    disable_nagle_algorithm = True  # the body follows the headers at once, not an ACK later

    def log_message(self, *args):  # quiet in tests; the command prints its own lines
        pass

    def do_POST(self):
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        secret = state.secrets.get(self.path) or state.secrets.get("*", "")
        if state.secret_lookup is not None:
            secret = state.secret_lookup(self.path) or secret
        signed = verify(secret, self.headers.get("Seller-Center-Signature", ""), body)
        with state.lock:
            mode = state.failures.pop(0) if state.failures else self.path.strip("/")
        # A hang ends in 504: whoever still waits hears a failure, not a delivery.
        code = {"500": 500, "redirect": 302, "hang": 504}.get(mode, 200 if signed else 400)
        if mode == "hang":
            time.sleep(state.hang_seconds)
        elif mode == "slow":
            time.sleep(state.slow_seconds)
        row = Received(
            self.path, self.headers.get("Seller-Center-Event-Id", ""), body, signed, code
        )
        with state.lock:
            state.received.append(row)
        try:
            self.send_response(code)
            if code == 302:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            answer = b'{"received": true}' if code == 200 else b"<b>not ok</b>"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:  # the sender gave up waiting
            pass
        if self.server.on_receive:
            self.server.on_receive(row)


class WebhookReceiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, *, on_receive=None):
        super().__init__(address, _Handler)
        self.state = ReceiverState()
        self.on_receive = on_receive

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def receiver_start(host: str = "127.0.0.1", port: int = 0) -> WebhookReceiver:
    """A receiver serving in a background thread; `shutdown()` and `server_close()` stop it."""
    server = WebhookReceiver((host, port))
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server
