"""Helpers for the simulated TikTok Shop's tests: a clock moved by hand, a tiny signing client
written from TikTok's published algorithm, and a webhook receiver."""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.tiktok_simulator import simulator_server
from demo.tiktok_simulator.signing import request_sign

KEY, SECRET, SERVICE = "test-app-key", "test-app-secret", "7000000000000000042"
START = 1_796_000_000  # 2026-11-29 UTC


class Clock:
    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Api:
    """A tiny TikTok client written for these tests: it signs as the reference says."""

    def __init__(self, base: str, clock: Clock, key: str = KEY, secret: str = SECRET):
        self.base, self.clock, self.key, self.secret = base, clock, key, secret
        self.token = ""

    def raw(self, method, path, query, body=b"", headers=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, data=body or None, method=method)  # noqa: S310
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        opener = urllib.request.build_opener(NoRedirects)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def call(self, method, path, params=None, body=None, *, signed=True, signed_body=None, **query):
        raw_body = b"" if body is None else json.dumps(body).encode()
        content_type = query.pop("content_type", "application/json")
        params = {"app_key": self.key, "timestamp": str(int(self.clock())), **(params or {})}
        if signed:
            params["sign"] = request_sign(
                path, params, raw_body if signed_body is None else signed_body, self.secret
            )
        params.update(query)
        headers = {"x-tts-access-token": self.token, "Content-Type": content_type}
        status, _, content = self.raw(method, path, params, raw_body, headers)
        return status, json.loads(content)

    def authorize(self, service=SERVICE, state="st-1") -> str:
        form = urllib.parse.urlencode(
            {"service_id": service, "state": state, "decision": "authorize"}
        ).encode()
        status, headers, _ = self.raw("POST", "/open/authorize", None, form)
        assert status == 302
        return headers["Location"]

    def connect(self) -> dict:
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(self.authorize()).query)["code"][0]
        data = self.tokens("get", auth_code=code, grant_type="authorized_code")[1]["data"]
        self.token = data["access_token"]
        return data

    def tokens(self, which, **params):
        query = {"app_key": self.key, "app_secret": self.secret, **params}
        status, _, content = self.raw("GET", f"/api/v2/token/{which}", query)
        return status, json.loads(content)

    def cipher(self, number=0) -> str:
        return self.call("GET", "/authorization/202309/shops")[1]["data"]["shops"][number]["cipher"]


class Receiver:
    """A local webhook endpoint that fails each notification's first delivery (503), or
    answers every delivery with `status`."""

    def __init__(self, status=None):
        self.deliveries, self.lock = [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    first = all(b != body for _, b in receiver.deliveries)
                    receiver.deliveries.append((dict(self.headers), body))
                self.send_response(status or (503 if first else 200))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/tiktok/"


def detail(api, cipher, order_id):
    query = {"shop_cipher": cipher, "ids": order_id}
    return api.call("GET", "/order/202309/orders", query)[1]["data"]["orders"][0]


def simulators():
    """make(**options) -> (sim, Api, Clock) for simulators serving in threads, and a cleanup."""
    running = []

    def make(**options):
        clock = options.pop("clock", None) or Clock()
        options = {
            "app_key": KEY,
            "app_secret": SECRET,
            "service_id": SERVICE,
            "redirect_url": "http://portal.test/tiktok/callback/",
            "orders_per_hour": 0,
            "clock": clock,
            **options,
        }
        server, sim = simulator_server(**options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sim.start()
        running.append((server, sim))
        return sim, Api(f"http://127.0.0.1:{server.server_address[1]}", clock), clock

    def stop():
        for server, sim in running:
            sim.stop()
            server.shutdown()
            server.server_close()

    return make, stop
