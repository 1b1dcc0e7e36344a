"""The simulated TikTok Shop over real HTTP: signing, tokens, paging, limits, statuses, webhooks.

Each test starts the simulator on a free port in a thread. Its clock is a `Clock` the test
moves by hand, so simulated time passes exactly as the test says; the rate limit and the
webhook retries run on the real clock.
"""

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from demo.tiktok_simulator import simulator_server
from demo.tiktok_simulator.signing import request_sign, webhook_signature_valid
from demo.tiktok_simulator.webhooks import WebhookSender

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
        params = {"app_key": self.key, "timestamp": str(int(self.clock())), **(params or {})}
        if signed:
            params["sign"] = request_sign(
                path, params, raw_body if signed_body is None else signed_body, self.secret
            )
        params.update(query)
        headers = {"x-tts-access-token": self.token, "Content-Type": "application/json"}
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


@pytest.fixture
def make_simulator():
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

    yield make
    for server, sim in running:
        sim.stop()
        server.shutdown()
        server.server_close()


# Signing --------------------------------------------------------------------------------


def test_webhook_signature_matches_tiktoks_official_vector():
    body = (
        b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507",'
        b'"timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178",'
        b'"order_status":"UNPAID","update_time":1718305585}}'
    )
    expected = "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"
    assert webhook_signature_valid("abcdef", "123", body, expected)
    assert not webhook_signature_valid("abcdef", "124", body, expected)


def test_request_signature_matches_vectors_computed_here():
    # The signing page's example inputs, recomputed by hand (the page states no output).
    assert (
        request_sign(
            "/authorization/202309/shops",
            {"app_key": "29a39d", "timestamp": "1623812664"},
            b"",
            "e59af819cc",
        )
        == "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )
    body = b'{"order_status":"UNPAID"}'
    params = {
        "timestamp": "17",
        "app_key": "k",
        "shop_cipher": "ROW_x",
        "sign": "x",
        "access_token": "t",
    }
    message = b"s/order/202309/orders/searchapp_keykshop_cipherROW_xtimestamp17" + body + b"s"
    assert (
        request_sign("/order/202309/orders/search", params, body, "s")
        == hmac.new(b"s", message, hashlib.sha256).hexdigest()
    )


# Authorization and tokens -----------------------------------------------------------------


def test_authorization_page_redirects_with_a_single_use_code(make_simulator):
    sim, api, clock = make_simulator()
    status, _, page = api.raw("GET", "/open/authorize", {"service_id": SERVICE, "state": "s<1>"})
    assert status == 200
    assert b"Glow &amp; Go (US)" in page and b"Glow &amp; Go (UK)" in page
    assert b">Authorize</button>" in page and b"s&lt;1&gt;" in page
    assert api.raw("GET", "/open/authorize", {"service_id": KEY})[0] == 404  # not the app key

    location = api.authorize(state="  st-9 ")
    assert location.startswith("http://portal.test/tiktok/callback/?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["state"] == ["st-9"]
    code = query["code"][0]
    status, answer = api.tokens("get", auth_code=code, grant_type="authorized_code")
    assert (status, answer["code"], answer["message"]) == (200, 0, "success")
    data = answer["data"]
    assert data["access_token_expire_in"] == START + 7 * 86400  # absolute, not a duration
    assert data["refresh_token_expire_in"] == START + 365 * 86400
    assert "seller.order.info" in data["granted_scopes"] and data["user_type"] == 0

    assert api.tokens("get", auth_code=code, grant_type="authorized_code")[1]["code"] == 36004004
    late = urllib.parse.parse_qs(urllib.parse.urlsplit(api.authorize()).query)["code"][0]
    clock.advance(31 * 60)
    assert api.tokens("get", auth_code=late, grant_type="authorized_code")[1]["code"] == 36004004
    wrong_grant = api.tokens("get", auth_code=late, grant_type="authorization_code")
    assert wrong_grant[0] == 400

    form = urllib.parse.urlencode({"service_id": SERVICE, "state": "x", "decision": "deny"})
    status, headers, _ = api.raw("POST", "/open/authorize", None, form.encode())
    assert "code=null&error=auth_denied" in headers["Location"]


def test_expired_access_token_is_refused_until_refreshed(make_simulator):
    sim, api, clock = make_simulator()
    first = api.connect()
    assert api.call("GET", "/authorization/202309/shops")[1]["code"] == 0
    clock.advance(7 * 86400)
    status, answer = api.call("GET", "/authorization/202309/shops")
    assert (status, answer["code"]) == (401, 105002)
    assert "expired" in answer["message"]

    status, answer = api.tokens(
        "refresh", refresh_token=first["refresh_token"], grant_type="refresh_token"
    )
    assert answer["code"] == 0
    fresh = answer["data"]
    assert fresh["access_token_expire_in"] == int(clock()) + 7 * 86400
    assert fresh["refresh_token_expire_in"] == first["refresh_token_expire_in"]  # not extended
    api.token = fresh["access_token"]
    assert api.call("GET", "/authorization/202309/shops")[1]["code"] == 0
    reused = api.tokens("refresh", refresh_token=first["refresh_token"], grant_type="refresh_token")
    assert reused[1]["code"] != 0  # the refresh token rotated

    clock.advance(366 * 86400)
    late = api.tokens("refresh", refresh_token=fresh["refresh_token"], grant_type="refresh_token")
    assert late[0] == 400 and late[1]["code"] != 0


def test_deauthorization_kills_the_tokens_and_is_notified(make_simulator):
    sim, api, clock = make_simulator()
    api.connect()
    sent = []
    sim.world.notify = sent.append
    assert api.raw("POST", "/simulator/expiring", {"days": "12"})[0] == 200
    warning = sent[-1]
    assert warning["type"] == 7 and warning["data"]["expiration_time"] == str(START + 12 * 86400)
    assert api.raw("POST", "/simulator/deauthorize", None)[0] == 200
    assert [n["type"] for n in sent[-2:]] == [6, 6]
    assert {n["shop_id"] for n in sent[-2:]} == {shop.id for shop in sim.accounts.shops}
    status, answer = api.call("GET", "/authorization/202309/shops")
    assert (status, answer["code"]) == (401, 36009004)


# The gateway -------------------------------------------------------------------------------


def test_signed_calls_are_accepted_and_bad_ones_refused_as_tiktok_does(make_simulator):
    sim, api, clock = make_simulator(backlog=5)
    api.connect()
    shops = api.call("GET", "/authorization/202309/shops")
    assert shops[0] == 200 and shops[1]["message"] == "Success"
    assert {s["region"] for s in shops[1]["data"]["shops"]} == {"US", "GB"}
    assert len(shops[1]["request_id"]) == 34
    cipher = api.cipher()
    search = "/order/202309/orders/search"
    ok = {"shop_cipher": cipher, "page_size": "10"}
    assert api.call("POST", search, ok, {})[1]["code"] == 0
    assert api.call("POST", search, ok, {}, signed_body=b"")[1]["code"] == 0  # "{}" either way

    def refused(*args, **kwargs):
        status, answer = api.call(*args, **kwargs)
        return status, answer["code"]

    assert refused("POST", search, ok, {"order_status": "UNPAID"}, signed_body=b"") == (401, 106001)
    assert refused("POST", search, ok, {}, signed=False) == (400, 36009004)
    assert refused("POST", search, ok, {}, signed=False, sign="0" * 64) == (401, 106001)
    assert refused("POST", search, ok, {}, signed=False, sign="é") == (401, 106001)
    assert refused("POST", search, ok, {}, app_key="other") == (400, 36009004)
    assert refused("POST", search, {**ok, "timestamp": str(START - 301)}, {}) == (400, 36009004)
    assert refused("POST", search, {"page_size": "10"}, {}) == (400, 106013)
    assert refused("POST", search, {**ok, "shop_cipher": "ROW_nobody"}, {}) == (403, 101000)
    assert refused("GET", "/authorization/202309/shops", {"shop_cipher": cipher}) == (400, 36009004)
    assert refused("GET", "/order/202309/nothing", ok) == (404, 36009009)
    assert refused("POST", "/order/202212/orders/search", ok, {}) == (404, 36009014)
    assert refused("GET", search, ok) == (405, 36009010)
    api.token = "ROW_forged"
    status, answer = api.call("POST", search, ok, {})
    assert (status, answer["code"]) == (401, 36009004) and "x-tts-access-token" in answer["message"]


def test_faults_break_the_next_calls_the_way_asked(make_simulator):
    sim, api, clock = make_simulator(backlog=3)
    api.connect()
    shops = "/authorization/202309/shops"
    for kind in ("html", "unavailable", "internal", "rate_limited", "truncated"):
        assert api.raw("POST", "/simulator/faults", {"kind": kind})[0] == 200
    answers = [api.raw("GET", shops, {"app_key": KEY})[:3:2] for _ in range(5)]
    assert answers[0][0] == 502 and answers[0][1].startswith(b"<html>")
    assert [status for status, _ in answers[1:4]] == [503, 200, 429]
    assert json.loads(answers[2][1])["code"] == 36009003
    with pytest.raises(ValueError):
        json.loads(answers[4][1])
    assert api.call("GET", shops)[1]["code"] == 0  # and then all is well again
    assert api.raw("POST", "/simulator/faults", {"kind": "meteor"})[0] == 400


def test_rate_limit_answers_429_per_shop(make_simulator):
    sim, api, clock = make_simulator(rate_limit=3)
    api.connect()
    us, uk = api.cipher(0), api.cipher(1)
    path = "/order/202309/orders"
    answers = [api.call("GET", path, {"shop_cipher": us, "ids": "1"}) for _ in range(8)]
    limited = [answer for status, answer in answers if status == 429]
    assert limited and limited[0]["code"] == 36009002
    assert api.call("GET", path, {"shop_cipher": uk, "ids": "1"})[0] == 200  # its own bucket
    time.sleep(1.1)
    assert api.call("GET", path, {"shop_cipher": us, "ids": "1"})[0] == 200


# Orders ----------------------------------------------------------------------------------


def _search_all(api, cipher, body, page_size=100, between_pages=None):
    ids, token, totals = [], "", set()
    while True:
        query = {"shop_cipher": cipher, "page_size": str(page_size), "sort_field": "update_time"}
        if token:
            query["page_token"] = token
        status, answer = api.call("POST", "/order/202309/orders/search", query, body)
        assert status == 200, answer
        ids += [order["id"] for order in answer["data"]["orders"]]
        totals.add(answer["data"]["total_count"])
        token = answer["data"]["next_page_token"]
        if not token:
            return ids, totals
        if between_pages:
            between_pages()


def test_paging_returns_every_order_exactly_once_while_orders_move(make_simulator):
    sim, api, clock = make_simulator(backlog=700, seed=3, speed=60, orders_per_hour=1)
    api.connect()
    cipher = api.cipher()
    shop_id = sim.accounts.shops[0].id
    window = {"update_time_ge": START - 90 * 86400, "update_time_lt": START + 1}
    expected = {
        o.id for o in sim.world.by_shop[shop_id] if window["update_time_lt"] > o.data["update_time"]
    }
    ids, totals = _search_all(api, cipher, window, between_pages=lambda: clock.advance(1800))
    assert len(ids) == len(set(ids)) == len(expected) > 300
    assert set(ids) == expected and totals == {len(expected)}
    moved = [i for i in expected if sim.world.orders[i].data["update_time"] >= START + 1]
    assert moved  # some changed while the pages were read, and still came exactly once

    status, answer = api.call(
        "POST", "/order/202309/orders/search", {"shop_cipher": cipher, "page_size": "101"}, {}
    )
    assert (status, answer["code"]) == (400, 36009004)
    detail = "/order/202309/orders"
    fifty = api.call("GET", detail, {"shop_cipher": cipher, "ids": ",".join(ids[:50])})[1]
    assert [o["id"] for o in fifty["data"]["orders"]] == ids[:50]
    assert api.call("GET", detail, {"shop_cipher": cipher, "ids": ",".join(ids[:51])})[0] == 400
    other = api.call("GET", detail, {"shop_cipher": api.cipher(1), "ids": ids[0]})[1]
    assert other["data"]["orders"] == []  # another shop's order is not found


def test_orders_are_realistic_and_the_same_seed_gives_the_same_orders(make_simulator):
    first, api, clock = make_simulator(backlog=60, seed=11)
    second, _, _ = make_simulator(backlog=60, seed=11)
    assert [o.as_bytes() for o in first.world.orders.values()] == [
        o.as_bytes() for o in second.world.orders.values()
    ]
    orders = [o.as_json() for o in first.world.orders.values()]
    assert Counter(o["status"] for o in orders)["COMPLETED"] > 20
    for order in orders:
        assert order["id"].isdigit() and len(order["id"]) == 18
        payment = order["payment"]
        lines = sum(float(item["original_price"]) for item in order["line_items"])
        assert float(payment["original_total_product_price"]) == pytest.approx(lines)
        assert isinstance(payment["total_amount"], str) and "." in payment["total_amount"]
        assert order["update_time"] >= order["create_time"]
        assert ("recipient_address" in order) == (order["status"] not in ("UNPAID", "ON_HOLD"))


def _detail(api, cipher, order_id):
    return api.call("GET", "/order/202309/orders", {"shop_cipher": cipher, "ids": order_id})[1][
        "data"
    ]["orders"][0]


FLOW = ["UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT"]
FLOW += ["DELIVERED", "COMPLETED"]


def test_statuses_advance_with_simulated_time(make_simulator):
    speed = 60
    sim, api, clock = make_simulator(speed=speed, seed=5, rate_limit=0)
    api.connect()
    cipher = api.cipher()
    notes = []
    sim.world.notify = notes.append
    orders = [sim.world.order_create(0) for _ in range(40)]
    watched, sampled = orders[0], []
    for _ in range(240):  # 40 simulated days, 4 simulated hours at a time
        data = _detail(api, cipher, watched.id)
        if not sampled or sampled[-1][0] != data["status"]:
            sampled.append((data["status"], data["update_time"]))
        clock.advance(4 * 3600 / speed)
    for order in orders:
        changes = [n["data"] for n in notes if n["type"] == 1 and n["data"]["order_id"] == order.id]
        statuses = [change["order_status"] for change in changes]
        times = [change["update_time"] for change in changes]
        assert times == sorted(times) and times[0] == START
        if statuses[-1] == "CANCEL":
            statuses = statuses[:-1]
        assert statuses == FLOW[: len(statuses)], statuses  # in TikTok's order, none skipped
    final = Counter(order.as_json()["status"] for order in orders)
    assert final["COMPLETED"] > 25 and final["CANCELLED"] > 0 and final.total() == 40
    assert [status for status, _ in sampled] == [
        s for s in FLOW if s in {status for status, _ in sampled}
    ]
    assert [t for _, t in sampled] == sorted(t for _, t in sampled)

    held = next(o for o in orders if o.as_json()["paid_time"] and o.as_json()["rts_time"])
    paid = held.as_json()["paid_time"]
    replay, _, replay_clock = make_simulator(speed=speed, seed=5)
    again = [replay.world.order_create(0) for _ in range(40)][orders.index(held)]
    replay_clock.now = paid + 3600 / speed - 1  # the hold lasts one simulated hour
    replay.world.advance()
    assert again.as_json()["status"] == "ON_HOLD" and "recipient_address" not in again.as_json()
    replay_clock.advance(2)  # paid_time is whole seconds
    replay.world.advance()
    assert again.as_json()["status"] == "AWAITING_SHIPMENT"
    assert again.as_json()["recipient_address"]["postal_code"]


# Webhooks --------------------------------------------------------------------------------


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


def test_webhooks_are_signed_as_tiktok_signs_them_and_retried(make_simulator):
    receiver = Receiver()
    sim, api, clock = make_simulator(webhook_url=receiver.url, speed=1200)
    order = sim.world.order_create(0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sim.sender.delivered < 1:
        time.sleep(0.05)
    receiver.server.shutdown()
    (headers, body), (headers_again, body_again) = receiver.deliveries[:2]
    assert body == body_again  # the same notification, tried again after the 503
    assert headers["Content-Type"] == "application/json"
    assert webhook_signature_valid(KEY, SECRET, body, headers["Authorization"])
    envelope = json.loads(body)
    assert envelope["type"] == 1 and envelope["shop_id"] == sim.accounts.shops[0].id
    assert envelope["tts_notification_id"].isdigit() and envelope["timestamp"] == START
    assert envelope["data"] == {
        "order_id": order.id,
        "order_status": "UNPAID",
        "is_on_hold_order": True,
        "update_time": START,
    }
    assert (sim.sender.delivered, sim.sender.attempts, sim.sender.failed) == (1, 2, 0)


@pytest.mark.parametrize(("status", "attempts"), [(500, 4), (401, 1)])
def test_webhooks_are_given_up_after_the_last_retry_and_a_401_is_final(status, attempts):
    receiver = Receiver(status=status)
    sender = WebhookSender(
        receiver.url, app_key=KEY, app_secret=SECRET, speed=100, delays=(1, 2, 3)
    ).start()
    sender.enqueue({"type": 1, "tts_notification_id": "1", "shop_id": "2", "data": {}})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sender.failed + sender.refused < 1:
        time.sleep(0.02)
    sender.stop()
    receiver.server.shutdown()
    assert len(receiver.deliveries) == sender.attempts == attempts
    assert (sender.failed, sender.refused) == ((1, 0) if status == 500 else (0, 1))


def test_every_kind_of_change_is_notified(make_simulator):
    sim, api, clock = make_simulator(speed=3600, orders_per_hour=1, seed=2)
    api.connect()
    sent = []
    sim.world.notify = sent.append
    clock.advance(400)  # 400 simulated hours, about 400 orders
    sim.world.advance()
    kinds = Counter(note["type"] for note in sent)
    assert set(kinds) == {1, 3, 4, 11, 12}, kinds
    assert len({note["tts_notification_id"] for note in sent}) == len(sent)
    cancelled = {n["data"]["order_status"] for n in sent if n["type"] == 1} & {
        "CANCELLED",
        "CANCEL",
    }
    assert cancelled == {"CANCEL"}  # the webhook's spelling
    us = [note for note in sent if note["shop_id"] == sim.accounts.shops[0].id]
    moved = next(n for n in us if n["type"] == 3)["data"]
    cipher = api.cipher()
    assert _detail(api, cipher, moved["order_id"])["has_updated_recipient_address"] is True
    cancel = next(n for n in us if n["type"] == 11)["data"]
    status, answer = api.call(
        "POST",
        "/return_refund/202309/cancellations/search",
        {"shop_cipher": cipher},
        {"order_ids": [cancel["order_id"]]},
    )
    assert [c["cancel_id"] for c in answer["data"]["cancellations"]] == [cancel["cancel_id"]]
    returned = next(n for n in us if n["type"] == 12)
    status, answer = api.call(
        "POST",
        "/return_refund/202309/returns/search",
        {"shop_cipher": cipher},
        {"return_ids": [returned["data"]["return_id"]]},
    )
    assert answer["data"]["return_orders"][0]["order_id"] == returned["data"]["order_id"]


def test_command_refuses_bad_options():
    with pytest.raises(CommandError, match="--port"):
        call_command("tiktok_simulator", "--port", "70000")
    with pytest.raises(CommandError, match="--speed"):
        call_command("tiktok_simulator", "--speed", "0")


def test_control_status_and_new_orders(make_simulator):
    sim, api, clock = make_simulator()
    status, _, content = api.raw("POST", "/simulator/orders", {"shop": "1", "count": "3"})
    ids = json.loads(content)["data"]["order_ids"]
    assert status == 200 and len(ids) == 3
    assert {sim.world.orders[i].shop.region for i in ids} == {"GB"}
    status, _, content = api.raw("GET", "/simulator/status", None)
    assert json.loads(content)["data"]["orders"] == 3
