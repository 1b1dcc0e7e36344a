"""The simulator's HTTP server: TikTok's authorization page, its auth host and its Open API
on one local port, plus a small /simulator/ control surface for the demo and the tests."""

import html
import json
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.after_sales import after_sales_answer
from demo.tiktok_simulator.arrange import arrange_answer
from demo.tiktok_simulator.control import FAULT_ANSWERS, FAULT_SLOW_SECONDS, control_answer
from demo.tiktok_simulator.documents import FILES_PREFIX, document_file
from demo.tiktok_simulator.finance_api import finance_answer
from demo.tiktok_simulator.fulfilment import BusinessError, fulfilment_answer
from demo.tiktok_simulator.gateway import Call, TokenBucket, gateway_check
from demo.tiktok_simulator.search import (
    BadRequest,
    EncodedOrders,
    cancellations_search,
    orders_detail,
    orders_search,
    returns_search,
)

# UNCONFIRMED: TikTok's request ids start with the server's clock, seemingly UTC+8.
REQUEST_ID_CLOCK = timedelta(hours=8)
AUTHORIZE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {app} – TikTok Shop (simulated)</title>
<link rel="icon" href="data:,">
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}}
li{{margin:.3rem 0}}button{{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}}</style>
</head><body>
<h1>Authorize {app}</h1>
<p>Simulated TikTok Shop. Seller <strong>{seller}</strong> grants this app access to:</p>
<ul>{shops}</ul>
<p>Scopes: {scopes}</p>
<form method="post" action="{action}">
<input type="hidden" name="service_id" value="{service_id}">
<input type="hidden" name="state" value="{state}">
<input type="hidden" name="redirect_uri" value="{redirect}">
<button type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>
"""


class Simulator:
    """Everything the handler needs: accounts and tokens, the orders, the limit, webhooks."""

    def __init__(self, *, accounts, world, rate_limit: float, redirect_url: str = ""):
        self.accounts, self.world = accounts, world
        self.limiter = TokenBucket(rate_limit)
        self.redirect_url = redirect_url
        self.sender = None
        self.stopped = threading.Event()
        self.faults: deque[str] = deque()  # what goes wrong with the next Open API calls

    def fault_add(self, kind: str, count: int = 1) -> None:
        """Make the next `count` Open API calls fail this way (control.FAULTS)."""
        self.faults.extend([kind] * count)

    def fault_take(self) -> str | None:
        try:
            return self.faults.popleft()
        except IndexError:
            return None

    def tick_forever(self, interval: float = 0.2) -> None:
        while not self.stopped.wait(interval):
            self.world.advance()

    def start(self) -> "Simulator":
        threading.Thread(target=self.tick_forever, name="tiktok-clock", daemon=True).start()
        if self.sender:
            self.sender.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        if self.sender:
            self.sender.stop()


def request_id(now: float) -> str:
    stamp = (datetime.fromtimestamp(now, UTC) + REQUEST_ID_CLOCK).strftime("%Y%m%d%H%M%S")
    return stamp + uuid.uuid4().hex[:20].upper()


def make_handler(sim: Simulator):
    accounts, world = sim.accounts, sim.world

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the standard library's name
            return

        truncate = False

        def _send(self, status: int, body: bytes, content_type: str, extra=()) -> None:
            if self.truncate:
                body, self.truncate = body[: len(body) // 2], False
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _envelope(self, status: int, code: int, message: str, data, extra=()) -> None:
            payload = {
                "code": code,
                "message": message,
                "request_id": request_id(world.clock()),
                "data": data,
            }
            orders = data.get("orders") if isinstance(data, dict) else None
            if isinstance(orders, EncodedOrders):  # spliced in as the data's last member
                data["orders"] = None
            else:
                orders = None
            with world.lock:  # written while no order is half-way through a step
                body = json.dumps(payload).encode()
            if orders is not None:
                head, _, tail = body.rpartition(b'"orders": null')
                body = head + b'"orders": [' + b",".join(orders) + b"]" + tail
            self._send(status, body, "application/json", extra)

        def _error(self, name: str, detail: str = "") -> None:
            status, code, message = c.ERRORS[name]
            extra = ()
            if name == "rate_limited" and c.RETRY_AFTER_SECONDS is not None:
                extra = (("Retry-After", str(c.RETRY_AFTER_SECONDS)),)
            self._envelope(status, code, message.format(detail=detail), None, extra)

        def _read(self) -> tuple[str, dict, bytes]:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), body

        def do_GET(self):  # noqa: N802 - http.server's naming
            self._dispatch("GET")

        def do_POST(self):  # noqa: N802
            self._dispatch("POST")

        def do_PUT(self):  # noqa: N802
            self._dispatch("PUT")

        def do_DELETE(self):  # noqa: N802
            self._dispatch("DELETE")

        def _dispatch(self, method: str) -> None:
            path, query, body = self._read()
            world.advance()
            if path == c.AUTHORIZE_PATH:
                return self._authorize(method, query, body)
            if path in (c.TOKEN_GET_PATH, c.TOKEN_REFRESH_PATH) and method == "GET":
                action = accounts.token_get if path == c.TOKEN_GET_PATH else accounts.token_refresh
                error, data = action(query, world.clock())
                if error:
                    return self._error(error)
                return self._envelope(200, 0, "success", data)
            if path.startswith("/simulator/"):
                return self._control(method, path, query)
            if path.startswith(FILES_PREFIX) and method == "GET":  # a doc_url: a PDF
                return self._send(*document_file(world, path))
            fault = sim.fault_take()
            if fault in FAULT_ANSWERS:
                return self._send(*FAULT_ANSWERS[fault])
            if fault == "slow":
                time.sleep(FAULT_SLOW_SECONDS)
            self.truncate = fault == "truncated"
            headers = {name.lower(): value for name, value in self.headers.items()}
            call = Call(method=method, path=path, query=query, body=body, headers=headers)
            error = gateway_check(call, accounts=accounts, limiter=sim.limiter, now=world.clock())
            if error:
                return self._error(error)
            try:
                data = self._business(call)
            except BadRequest as problem:
                return self._error("invalid_param", str(problem))
            except BusinessError as refusal:  # TikTok's business codes come on HTTP 200
                return self._envelope(200, refusal.code, refusal.message, None)
            self._envelope(200, 0, "Success", data)

        def _business(self, call: Call) -> dict:
            if call.path == c.SHOPS_PATH:
                return {"shops": [shop.as_json() for shop in accounts.shops]}
            if call.path in c.ORDER_DETAIL_PATHS:
                ids = [i for i in call.query.get("ids", "").split(",") if i]
                if not 1 <= len(ids) <= c.ORDER_DETAIL_MAX_IDS:
                    raise BadRequest(f"ids must hold 1 to {c.ORDER_DETAIL_MAX_IDS} order ids")
                with world.lock:
                    return orders_detail(world, call.shop.id, ids)
            if (finance := finance_answer(world, call)) is not None:
                return finance
            try:
                body = json.loads(call.body or b"{}")
            except ValueError:
                raise BadRequest("the body is not JSON") from None
            if not isinstance(body, dict):
                raise BadRequest("the body must be a JSON object")
            if (arranged := arrange_answer(world, call, body)) is not None:
                return arranged
            if (shipped := fulfilment_answer(world, call, body)) is not None:
                return shipped
            if (answered := after_sales_answer(world, call, body)) is not None:
                return answered
            search = {
                c.ORDER_SEARCH_PATH: orders_search,
                c.CANCELLATION_SEARCH_PATH: cancellations_search,
                c.RETURN_SEARCH_PATH: returns_search,
            }[call.path]
            with world.lock:
                return search(world, call.shop.id, call.query, body)

        def _authorize(self, method: str, query: dict, body: bytes) -> None:
            if method == "POST":
                query = dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
            if query.get("service_id") != accounts.service_id:
                page = "<!doctype html><title>TikTok Shop</title><p>This service does not exist."
                return self._send(404, page.encode(), "text/html; charset=utf-8")
            redirect = sim.redirect_url or query.get("redirect_uri", "")
            if not redirect:
                page = "<!doctype html><title>TikTok Shop</title><p>No redirect URL is registered."
                return self._send(400, page.encode(), "text/html; charset=utf-8")
            if method == "GET":
                return self._authorize_page(query, redirect)
            state = query.get("state", "").strip()
            if query.get("decision") == "authorize":
                params = {"code": accounts.code_issue(world.clock()), "state": state}
            else:
                params = {"code": "null", "error": "auth_denied", "state": state}
            separator = "&" if "?" in redirect else "?"
            location = redirect + separator + urlencode(params)
            self._send(302, b"", "text/plain", (("Location", location),))

        def _authorize_page(self, query: dict, redirect: str) -> None:
            escape = html.escape
            shops = "".join(
                f"<li>{escape(shop.name)} ({escape(shop.region)}, shop {escape(shop.id)})</li>"
                for shop in accounts.shops
            )
            page = AUTHORIZE_PAGE.format(
                app=escape(accounts.app_key),
                seller=escape(accounts.seller_name),
                shops=shops,
                scopes=escape(", ".join(accounts.scopes)),
                action=c.AUTHORIZE_PATH,
                service_id=escape(accounts.service_id),
                state=escape(query.get("state", "")),
                redirect=escape(redirect),
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def _control(self, method: str, path: str, query: dict) -> None:
            try:
                answer = control_answer(sim, method, path, query)
            except BadRequest as problem:
                return self._error("invalid_param", str(problem))
            if answer is None:
                return self._error("invalid_path")
            self._envelope(200, 0, "Success", answer)

    return Handler


def serve(sim: Simulator, *, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A ready-to-serve HTTP server for `sim` (port 0 picks a free port)."""
    server = ThreadingHTTPServer((host, port), make_handler(sim))
    server.daemon_threads = True
    return server
