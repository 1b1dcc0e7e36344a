"""The simulated TikTok Shop's orders over time and its webhooks, over real HTTP."""

import json
import time
from collections import Counter

import pytest

from demo.tiktok_simulator.signing import webhook_signature_valid
from demo.tiktok_simulator.webhooks import WebhookSender
from tests.demo.tiktok_helpers import KEY, SECRET, START, Receiver, detail

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
        data = detail(api, cipher, watched.id)
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


# Webhooks ---------------------------------------------------------------------------------


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
    assert detail(api, cipher, moved["order_id"])["has_updated_recipient_address"] is True
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


def _steps(world, order) -> list[float]:
    """When the order's steps are due: the one waiting in the world's queue, then the rest."""
    waiting = [entry[0] for entry in world.heap if entry[2] == "step" and entry[3][0] is order]
    return waiting + [at for at, _, _ in order.plan or ()]


def test_advancing_an_order_takes_its_next_step_now_and_notifies_it(make_simulator):
    sim, api, clock = make_simulator()
    sent = []
    sim.world.notify = sent.append
    order = sim.world.order_create(0)
    before = _steps(sim.world, order)
    status, _, content = api.raw("POST", "/simulator/orders/advance", {"id": order.id})
    moved = json.loads(content)["data"]
    assert status == 200 and moved["id"] == order.id and moved["status"] != "UNPAID"
    assert order.data["update_time"] == int(clock())
    assert (sent[-1]["data"]["order_id"], sent[-1]["data"]["update_time"]) == (
        order.id,
        int(clock()),
    )
    early = before[0] - clock()
    assert _steps(sim.world, order) == pytest.approx([at - early for at in before[1:]])
    status, _, content = api.raw("POST", "/simulator/orders/advance", {"id": "123"})
    assert status == 400 and "has a step left" in json.loads(content)["message"]


def test_the_update_time_index_finds_what_a_scan_of_every_order_finds(make_simulator):
    sim, api, clock = make_simulator(backlog=400, backlog_days=30)
    world = sim.world
    for _ in range(3):  # orders arrive and move on between the looks
        clock.advance(6 * 3600)
        world.advance()
        for shop in sim.accounts.shops:
            everyone = world.by_shop[shop.id]
            times = sorted({order.data["update_time"] for order in everyone})
            for ge, lt in [(0, 2**40), (times[0], times[len(times) // 2]), (times[-3], times[-1])]:
                scanned = {o.id for o in everyone if ge <= o.data["update_time"] < lt}
                assert {o.id for o in world.orders_updated(shop.id, ge, lt)} == scanned
