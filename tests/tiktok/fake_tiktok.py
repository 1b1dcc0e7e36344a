"""A small TikTok on localhost for the client's tests: a real HTTP server that checks each Open
API request's signature itself (with hmac directly, not with the code under test), answers
queued replies or a default per path, and records what it was asked. Given orders (`orders`),
it searches them by update time with page tokens and answers their details, as TikTok does."""

import hashlib
import hmac
import json
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

APP_KEY = "fake-app-key"
APP_SECRET = "fake-app-secret-0123456789"
ACCESS_TOKEN = "TTP_access_token_one"
REFRESH_TOKEN = "TTP_refresh_token_one"
AUTH_PATHS = {"/api/v2/token/get", "/api/v2/token/refresh"}
AUTHORIZE_PAGE = "/open/authorize"
AUTH_CODE = "ROW_fake_authorization_code"
NOW = int(time.time())
SHOP = {
    "cipher": "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3",
    "code": "CNGBCBA4LLU8",
    "id": "7000714532876273420",
    "name": "Maomao beauty shop",
    "region": "GB",
    "seller_type": "CROSS_BORDER",
}


def ok(data, request_id="202203070749000101890810281E8C70B7"):
    return {"code": 0, "message": "Success", "request_id": request_id, "data": data}


def fail(code, message="", request_id="20260101000000ABCDEF0123456789ABCDEF"):
    return {"code": code, "message": message, "request_id": request_id, "data": None}


def token_data(access=ACCESS_TOKEN, refresh=REFRESH_TOKEN, *, access_in=7 * 86400):
    """Get Access Token's `data`: both expiries are absolute Unix times."""
    return {
        "access_token": access,
        "access_token_expire_in": NOW + access_in,
        "refresh_token": refresh,
        "refresh_token_expire_in": NOW + 365 * 86400,
        "open_id": "7010736057180325637",
        "seller_name": "Maomao",
        "seller_base_region": "GB",
        "user_type": 0,
        "granted_scopes": ["seller.authorization.info", "seller.order.info"],
    }


DEFAULTS = {
    "/api/v2/token/get": ok(token_data()),
    "/api/v2/token/refresh": ok(token_data("TTP_access_token_two", "TTP_refresh_token_two")),
    "/authorization/202309/shops": ok({"shops": [SHOP]}),
    "/order/202309/orders/search": ok(
        {"orders": [{"id": "576486316948490001"}], "next_page_token": "", "total_count": 1}
    ),
    "/order/202309/orders": ok({"orders": [{"id": "576486316948490001"}]}),
    # No buyer requests unless a test queues some (the sync searches them in each window).
    "/return_refund/202309/cancellations/search": ok(
        {"cancellations": [], "next_page_token": "", "total_count": 0}
    ),
    "/return_refund/202309/returns/search": ok(
        {"return_orders": [], "next_page_token": "", "total_count": 0}
    ),
}


def expected_sign(path: str, query: dict, body: bytes) -> str:
    params = "".join(
        f"{key}{query[key]}" for key in sorted(query) if key not in ("sign", "access_token")
    )
    message = APP_SECRET.encode() + path.encode() + params.encode() + body + APP_SECRET.encode()
    return hmac.new(APP_SECRET.encode(), message, hashlib.sha256).hexdigest()


class FakeTikTok(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.queued: dict[str, list] = {}
        self.redirect_url = ""  # the portal's callback, where the authorization page sends back

        self.orders: dict[str, dict] | None = None  # order id → object, once orders are given
        self.unseen: set[str] = set()  # ids the search does not show yet (TikTok's lag)
        self.slow_pages: dict[str, float] = {}  # page token → seconds before the answer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def reply(self, path, body, *, status=200, headers=None, delay=0.0, times=1):
        """Answer the next `times` calls of `path` so (bytes are sent as an HTML page)."""
        for _ in range(times):
            self.queued.setdefault(path, []).append((status, body, headers or {}, delay))

    def orders_set(self, *objects: dict) -> None:
        """Serve these order objects (replacing any of the same id) from search and detail."""
        self.orders = self.orders or {}
        self.orders.update({obj["id"]: obj for obj in objects})

    def calls(self, path) -> list[dict]:
        return [request for request in self.requests if request["path"] == path]

    def handle_error(self, request, client_address):
        pass  # a client that gave up waiting (the timeout tests) is not a server failure


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        signed = url.path not in AUTH_PATHS
        sign_ok = signed and query.get("sign") == expected_sign(url.path, query, body)
        self.server.requests.append(
            {
                "method": self.command,
                "path": url.path,
                "query": query,
                "headers": dict(self.headers),
                "body": body,
                "sign_ok": sign_ok,
            }
        )
        queue = self.server.queued.get(url.path)
        if url.path == AUTHORIZE_PAGE and not queue:
            status, payload, headers, delay = 200, self.authorize_page(query), {}, 0
        elif queue:
            status, payload, headers, delay = queue.pop(0)
        elif signed and not sign_ok:
            status, payload, headers, delay = 401, fail(106001, "Invalid credentials."), {}, 0
        elif self.server.orders is not None and url.path in ORDER_PATHS:
            payload = orders_answer(self.server, url.path, query, body)
            slow = url.path == ORDER_SEARCH and query.get("page_token", "")
            status, headers, delay = 200, {}, self.server.slow_pages.get(slow or "", 0)
        elif url.path in DEFAULTS:
            status, payload, headers, delay = 200, DEFAULTS[url.path], {}, 0
        else:
            status, payload, headers, delay = 404, fail(36009009, "Invalid path"), {}, 0
        time.sleep(delay)
        html = isinstance(payload, bytes)
        raw = payload if html else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if html else "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def authorize_page(self, query: dict) -> bytes:
        """TikTok's page where the seller approves: one link back to the portal, with a code
        and the state it was given."""
        back_query = urlencode({"code": AUTH_CODE, "state": query.get("state", "")})
        back = f"{self.server.redirect_url}?{back_query}"
        return (
            '<!doctype html><title>Authorize</title><link rel="icon" href="data:,">'
            f"<p>Service {escape(query.get('service_id', ''))}</p>"
            f'<a href="{escape(back)}">Authorize</a>'
        ).encode()

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


ORDER_SEARCH = "/order/202309/orders/search"
ORDER_DETAIL = "/order/202309/orders"
ORDER_PATHS = {ORDER_SEARCH, ORDER_DETAIL}


def orders_answer(server: FakeTikTok, path: str, query: dict, body: bytes) -> dict:
    """Search: the orders updated in [ge, lt), oldest first, `page_size` a page, the page
    token an offset; detail: the objects of the ids asked for that exist."""
    if path == ORDER_DETAIL:
        ids = query.get("ids", "").split(",")
        return ok({"orders": [server.orders[i] for i in ids if i in server.orders]})
    window = json.loads(body or b"{}")
    ge, lt = window.get("update_time_ge", 0), window.get("update_time_lt", 2**40)
    found = sorted(
        (
            obj
            for obj in server.orders.values()
            if ge <= obj["update_time"] < lt and obj["id"] not in server.unseen
        ),
        key=lambda obj: (obj["update_time"], obj["id"]),
    )
    start, size = int(query.get("page_token") or 0), int(query["page_size"])
    rest = start + size < len(found)
    listed = [{"id": obj["id"], "update_time": obj["update_time"]} for obj in found]
    return ok(
        {
            "orders": listed[start : start + size],
            "next_page_token": str(start + size) if rest else "",
            "total_count": len(found),
        }
    )


def start() -> tuple[FakeTikTok, threading.Thread]:
    server = FakeTikTok()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    return server, thread
