"""How a simulated order moves through TikTok's statuses, and the notifications each move sends.

Every order's future is drawn once, when it is created, from its own random stream: a plan of
(time, action, argument) steps. Applying the steps due by a moment gives the same orders
whatever the moments at which anybody looks, so a seed makes a run repeatable.
"""

import hashlib
import random

from demo import words
from demo.parts import random_tracking_number
from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.after_sales_state import (
    COMPLETE_RETRY,
    cancel_direct,
    cancellation_step,
    held_back,
    plan_add,
)
from demo.tiktok_simulator.orders import (
    SimOrder,
    address_masked,
    packages_set,
    recipient_address,
    status_note,
    status_set,
)
from demo.tiktok_simulator.returns import return_open, return_step


def _between(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(*bounds)


def plan_for(rng: random.Random, order: SimOrder) -> list[tuple[float, str, object]]:
    """The order's steps in simulated seconds after its creation, in time order."""
    roll = rng.randrange(1000)
    if roll < c.SHARE_NEVER_PAID:
        return [(c.UNPAID_TIMEOUT, "cancel", ("SYSTEM", "Payment timed out"))]
    roll -= c.SHARE_NEVER_PAID
    if roll < c.SHARE_CANCEL_UNPAID:
        return [(_between(rng, c.PAY_AFTER), "cancel", ("BUYER", "No longer needed"))]
    roll -= c.SHARE_CANCEL_UNPAID
    t = _between(rng, c.PAY_AFTER)
    steps = [(t, "pay", None)]
    if roll < c.SHARE_CANCEL_ON_HOLD:  # within the free hour: approved at once
        reason = rng.choice(words.CANCEL_REASONS["BUYER"])
        cancelled = t + rng.uniform(0.05, 0.95) * c.ON_HOLD_FOR[0]
        return [*steps, (cancelled, "cancel", ("BUYER", reason)), (cancelled + 600, "refund", None)]
    roll -= c.SHARE_CANCEL_ON_HOLD
    t += _between(rng, c.ON_HOLD_FOR)
    steps.append((t, "release", None))
    arrange = t + _between(rng, c.ARRANGE_AFTER)
    if rng.randrange(1000) < c.SHARE_ADDRESS_CHANGE:
        changed = min(t + _between(rng, c.ADDRESS_CHANGE_AFTER), arrange - 60)
        steps.append((changed, "address", recipient_address(rng, order.shop)[0]))
    if roll < c.SHARE_CANCEL_REQUEST:
        asked = max(steps[-1][0] + 1, t + rng.uniform(0.1, 0.6) * (arrange - t))
        answered = asked + _between(rng, c.CANCEL_REVIEW_AFTER)
        reason = rng.choice(words.CANCEL_REASONS["BUYER"])
        steps.append((asked, "cancel_request", reason))
        # Three in four wait for the seller's answer (TikTok approves at the deadline); the
        # other buyers withdraw first. A shipment comes only once the request is over.
        if rng.random() >= 0.75:
            steps.append((answered, "cancel_withdraw", None))
            arrange = max(arrange, answered + 60)
    split = len({item["product_id"] for item in order.data["line_items"]}) > 1
    split = split and rng.randrange(1000) < c.SHARE_SPLIT
    second = random_tracking_number(rng, order.carrier) if split else None
    steps.append((arrange, "arrange", second))
    t = arrange + _between(rng, c.COLLECT_AFTER)
    steps.append((t, "collect", None))
    t += _between(rng, c.DELIVER_AFTER)
    steps.append((t, "deliver", None))
    done = t + c.COMPLETE_AFTER
    if rng.randrange(1000) < c.SHARE_RETURN:  # the seller answers it (after_sales_state.py)
        kind = rng.choice(("REFUND", "RETURN_AND_REFUND", "RETURN_AND_REFUND"))
        t += _between(rng, c.RETURN_REQUEST_AFTER)
        steps.append((t, "return_request", (kind, rng.choice(words.REFUND_REASONS))))
    steps.append((done, "complete", None))
    return steps


def provider_id(name: str) -> str:
    return "7" + str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:18]


def _arrange(order: SimOrder, at: int, second_tracking: str | None) -> list:
    data, items = order.data, order.data["line_items"]
    notes = []
    if second_tracking:
        first_product = items[0]["product_id"]
        groups = [
            [item for item in items if item["product_id"] == first_product],
            [item for item in items if item["product_id"] != first_product],
        ]
        packages_set(order, groups)
        data["update_time"] = at
        notes.append(
            (
                c.WEBHOOK_PACKAGE,
                {
                    "sc_type": "SPLIT",
                    "role_type": "ROLE_SELLER",
                    "package_list": [
                        {"package_id": p["id"], "order_id_list": [order.id]}
                        for p in data["packages"]
                    ],
                    "update_time": at,
                },
            )
        )
    elif not data["packages"]:
        packages_set(order, [items])
    trackings = [order.tracking, second_tracking]
    package_ids = [p["id"] for p in data["packages"]]
    for item in items:
        tracking = trackings[package_ids.index(item["package_id"])]
        item.update(
            tracking_number=tracking,
            shipping_provider_name=order.carrier,
            shipping_provider_id=provider_id(order.carrier),
            rts_time=at,
        )
    data.update(
        rts_time=at,
        tracking_number=order.tracking,
        shipping_provider=order.carrier,
        shipping_provider_id=provider_id(order.carrier),
    )
    status_set(order, "AWAITING_COLLECTION", at)
    return [*notes, status_note(order)]


def step_apply(order: SimOrder, at: int, action: str, arg, pace: float) -> list[tuple[int, dict]]:
    """Apply one planned step at Unix time `at`; the (webhook type, data) it notifies."""
    data = order.data
    if action == "pay":
        data.update(
            paid_time=at,
            rts_sla_time=at + int(3 * c.DAY / pace),
            tts_sla_time=at + int(5 * c.DAY / pace),
        )
        if order.shop.region != "US":  # outside the US a package exists from payment on
            packages_set(order, [data["line_items"]])
        status_set(order, "ON_HOLD", at)
        return [status_note(order)]
    if action == "complete" and return_open(order):  # not while a return is under way
        plan_add(order, at + COMPLETE_RETRY / pace, action, arg)
        return []
    if action in ("release", "collect", "deliver", "complete"):
        status, stamp = {
            "release": ("AWAITING_SHIPMENT", None),
            "collect": ("IN_TRANSIT", "collection_time"),
            "deliver": ("DELIVERED", "delivery_time"),
            "complete": ("COMPLETED", None),
        }[action]
        if stamp:
            data[stamp] = at
        status_set(order, status, at)
        return [status_note(order)]
    if action == "cancel":
        return cancel_direct(order, at, *arg)
    if action == "address":
        address = address_masked(arg) if data["shipping_type"] == "TIKTOK" else arg
        data.update(recipient_address=address, has_updated_recipient_address=True, update_time=at)
        return [(c.WEBHOOK_ADDRESS, {"order_id": order.id, "update_time": at})]
    if action == "arrange":
        return [] if held_back(order, at, action, arg) else _arrange(order, at, arg)
    notes = cancellation_step(order, at, action, arg)
    if notes is None:
        notes = return_step(order, at, action, arg)
    if notes is None:
        raise ValueError(f"Unknown step {action!r}")
    return notes
