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
from demo.tiktok_simulator.orders import (
    SimOrder,
    address_masked,
    packages_set,
    recipient_address,
    status_set,
)


def _between(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(*bounds)


def _reason_key(text: str) -> str:
    return "ecom_order_reason_" + "".join(ch if ch.isalnum() else "_" for ch in text.lower())


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
        if rng.random() < 0.75:
            return [*steps, (answered, "cancel_approve", None), (answered + 600, "refund", None)]
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
    if rng.randrange(1000) < c.SHARE_RETURN:
        kind = rng.choice(("REFUND", "RETURN_AND_REFUND", "RETURN_AND_REFUND"))
        flow = ["RETURN_OR_REFUND_REQUEST_PENDING"]
        if kind == "RETURN_AND_REFUND":
            flow += ["AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM"]
        flow += ["RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"]
        t += _between(rng, c.RETURN_REQUEST_AFTER)
        reason = rng.choice(words.REFUND_REASONS)
        for status in flow:
            steps.append((t, "return", (kind, status, reason)))
            t += _between(rng, c.RETURN_STEP_AFTER)
        done = max(done, t)
    steps.append((done, "complete", None))
    return steps


def provider_id(name: str) -> str:
    return "7" + str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:18]


def status_note(order: SimOrder) -> tuple[int, dict]:
    """The order-status notification (type 1) for the order as it is now."""
    data = order.data
    status = c.WEBHOOK_STATUS.get(data["status"], data["status"])
    return c.WEBHOOK_ORDER_STATUS, {
        "order_id": data["id"],
        "order_status": status,
        "is_on_hold_order": data["is_on_hold_order"],
        "update_time": data["update_time"],
    }


def _refund_amount(order: SimOrder, paid: bool) -> dict:
    payment = order.data["payment"]
    total = payment["total_amount"] if paid else "0.00"
    return {
        "currency": payment["currency"],
        "refund_total": total,
        "refund_subtotal": payment["sub_total"] if paid else "0.00",
        "refund_shipping_fee": payment["shipping_fee"] if paid else "0.00",
        "refund_tax": payment["tax"] if paid else "0.00",
    }


def _cancellation_note(order: SimOrder) -> tuple[int, dict]:
    record = order.cancellation
    return c.WEBHOOK_CANCELLATION, {
        "order_id": order.id,
        "cancellations_role": record["role"],
        "cancel_status": record["cancel_status"],
        "cancel_id": record["cancel_id"],
        "create_time": record["create_time"],
    }


def _cancellation(order: SimOrder, at: int, kind: str, status: str, role: str, reason: str):
    order.cancellation = {
        "cancel_id": "4" + order.id[1:] + "1",
        "order_id": order.id,
        "cancel_type": kind,
        "cancel_status": status,
        "role": role,
        "cancel_reason": _reason_key(reason),
        "cancel_reason_text": reason,
        "create_time": at,
        "update_time": at,
        "seller_next_action_response": [],
        "refund_amount": _refund_amount(order, bool(order.data["paid_time"])),
        "cancel_line_items": [
            {
                "cancel_line_item_id": "4" + item["id"][1:],
                "order_line_item_id": item["id"],
                "sku_id": item["sku_id"],
                "sku_name": item["sku_name"],
                "product_name": item["product_name"],
                "seller_sku": item["seller_sku"],
            }
            for item in order.data["line_items"]
        ],
    }


def _cancelled(order: SimOrder, at: int, role: str, reason: str) -> None:
    data = order.data
    data.update(cancel_time=at, cancel_reason=reason, cancellation_initiator=role)
    data["is_buyer_request_cancel"] = False
    for item in data["line_items"]:
        item.update(cancel_reason=reason, cancel_user=role)
    status_set(order, "CANCELLED", at)


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


def _return(order: SimOrder, at: int, kind: str, status: str, reason: str) -> tuple[int, dict]:
    if not order.returns:
        order.returns.append(
            {
                "return_id": "5" + order.id[1:] + "2",
                "order_id": order.id,
                "return_type": kind,
                "role": "BUYER",
                "return_reason": _reason_key(reason),
                "return_reason_text": reason,
                "create_time": at,
                "refund_amount": _refund_amount(order, True),
            }
        )
    record = order.returns[-1]
    record.update(return_status=status, update_time=at)
    return c.WEBHOOK_RETURN, {
        "order_id": order.id,
        "return_role": record["role"],
        "return_type": kind,
        "return_status": status,
        "return_id": record["return_id"],
        "create_time": record["create_time"],
        "update_time": at,
    }


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
        role, reason = arg
        _cancellation(order, at, "CANCEL", c.CANCEL_STATUS_SUCCESS, role, reason)
        _cancelled(order, at, role, reason)
        return [_cancellation_note(order), status_note(order)]
    if action == "cancel_request":
        _cancellation(order, at, "BUYER_CANCEL", c.CANCEL_STATUS_PENDING, "BUYER", arg)
        deadline = at + int(2 * c.DAY / pace)
        order.cancellation["seller_next_action_response"] = [
            {"action": "SELLER_RESPOND_CANCEL", "deadline": deadline}
        ]
        data.update(is_buyer_request_cancel=True, request_cancel_time=at, update_time=at)
        return [_cancellation_note(order)]
    if action in ("cancel_approve", "cancel_withdraw", "refund"):
        status = {
            "cancel_approve": c.CANCEL_STATUS_SUCCESS,
            "cancel_withdraw": c.CANCEL_STATUS_WITHDRAWN,
            "refund": c.CANCEL_STATUS_COMPLETE,
        }[action]
        order.cancellation.update(cancel_status=status, update_time=at)
        order.cancellation["seller_next_action_response"] = []
        notes = [_cancellation_note(order)]
        if action == "cancel_approve":
            _cancelled(order, at, "BUYER", order.cancellation["cancel_reason_text"])
            notes.append(status_note(order))
        elif action == "cancel_withdraw":
            data.update(is_buyer_request_cancel=False, update_time=at)
        return notes
    if action == "address":
        address = address_masked(arg) if data["shipping_type"] == "TIKTOK" else arg
        data.update(recipient_address=address, has_updated_recipient_address=True, update_time=at)
        return [(c.WEBHOOK_ADDRESS, {"order_id": order.id, "update_time": at})]
    if action == "arrange":
        return _arrange(order, at, arg)
    if action == "return":
        return [_return(order, at, *arg)]
    raise ValueError(f"Unknown step {action!r}")
