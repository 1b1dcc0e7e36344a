"""The simulated TikTok Shop over real HTTP: signing, authorization, tokens, the gateway's
checks and rate limit, paging, and the command.

Each test starts the simulator on a free port in a thread. Its clock is a `Clock` the test
moves by hand, so simulated time passes exactly as the test says; the rate limit and the
webhook retries run on the real clock.
"""

import hashlib
import hmac
import json
import time
import urllib.parse
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from demo.tiktok_simulator.signing import request_sign, webhook_signature_valid
from tests.demo.tiktok_helpers import KEY, SERVICE, START

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
    assert refused("POST", search, ok, {}, content_type="text/plain") == (415, 36009022)
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
    sim, api, clock = make_simulator(rate_limit=1)
    api.connect()
    us, uk = (shop.cipher for shop in sim.accounts.shops)
    path = "/order/202309/orders"
    answers = [api.call("GET", path, {"shop_cipher": us, "ids": "1"}) for _ in range(6)]
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
