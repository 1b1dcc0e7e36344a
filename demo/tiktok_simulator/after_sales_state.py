"""The simulated TikTok's cancellations and how they move, and what its returns
(returns.py) share with them: the buyer's steps are planned with the order (lifecycle.py),
the seller answers through the API (after_sales.py), and when the seller lets the deadline
pass TikTok decides itself.

Each function changes one order at Unix time `at` and returns the notifications to send as
(webhook type, data). A step it plans (a deadline, the refund, the buyer shipping the item
back) goes into `order.plan` at its real time, in time order, for the world to push.
"""

import bisect
from decimal import Decimal

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.orders import SimOrder, status_note, status_set

# UNCONFIRMED: how long the seller has to answer, in TikTok's time: two days for a
# cancellation request, for a return or refund request, and again once the returned item
# arrives (what sellers' guides describe; the API docs only show a `deadline`). The simulator
# divides them by --speed like every stage...
CANCEL_ANSWER_WITHIN = 2 * c.DAY
RETURN_ANSWER_WITHIN = 2 * c.DAY
RECEIVED_ANSWER_WITHIN = 2 * c.DAY
# ... but never below this many real seconds, so a person in the demo can answer in time.
ANSWER_WITHIN_REAL_MIN = 10 * c.MINUTE
# UNCONFIRMED: what TikTok decides when the seller does not answer in time: it approves.
AUTO_DECISION = "approve"  # or "reject"
REFUND_AFTER = 10 * c.MINUTE  # a cancellation approved → refunded (COMPLETE)
COMPLETE_RETRY = c.HOUR  # an order with a return open completes only once the return is over

CANCEL_PENDING = c.CANCEL_STATUS_PENDING


def reason_key(text: str) -> str:
    return "ecom_order_reason_" + "".join(ch if ch.isalnum() else "_" for ch in text.lower())


def plan_add(order: SimOrder, at: float, action: str, arg=None) -> None:
    """A step at real time `at`, kept in time order with the rest of the plan."""
    times = [step[0] for step in order.plan]
    order.plan.insert(bisect.bisect_right(times, at), (at, action, arg))


def answer_deadline(order: SimOrder, at: int, within: float) -> int:
    return at + int(max(within / order.pace, ANSWER_WITHIN_REAL_MIN))


def asked(action: str, deadline: int) -> list[dict]:
    return [{"action": action, "deadline": deadline}]


def asked_action(record: dict) -> str:
    """What the record asks of the seller now ("" when nothing)."""
    actions = record.get("seller_next_action_response") or []
    return actions[0]["action"] if actions else ""


def _refund_amount(currency: str, subtotal: str, shipping: str, tax: str) -> dict:
    total = sum((Decimal(part) for part in (subtotal, shipping, tax)), Decimal(0))
    return {
        "currency": currency,
        "refund_total": f"{total:.2f}",
        "refund_subtotal": subtotal,
        "refund_shipping_fee": shipping,
        "refund_tax": tax,
    }


def order_refund(order: SimOrder, paid: bool) -> dict:
    payment = order.data["payment"]
    amount = _refund_amount(
        payment["currency"],
        payment["sub_total"] if paid else "0.00",
        payment["shipping_fee"] if paid else "0.00",
        payment["tax"] if paid else "0.00",
    )
    amount["refund_total"] = payment["total_amount"] if paid else "0.00"
    return amount


def request_lines(order: SimOrder, prefix: str, name: str, paid: bool) -> list[dict]:
    lines = []
    for item in order.data["line_items"]:
        tax = item["item_tax"][0]["tax_amount"] if item["item_tax"] else "0.00"
        sale = item["sale_price"] if paid else "0.00"
        lines.append(
            {
                name: prefix + item["id"][1:],
                "order_line_item_id": item["id"],
                "sku_id": item["sku_id"],
                "sku_name": item["sku_name"],
                "product_name": item["product_name"],
                "seller_sku": item["seller_sku"],
                "product_image": {"url": item["sku_image"], "width": 200, "height": 200},
                "refund_amount": _refund_amount(
                    item["currency"], sale, "0.00", tax if paid else "0.00"
                ),
            }
        )
    return lines


# --- Cancellations -------------------------------------------------------------------------


def cancellation_note(order: SimOrder) -> tuple[int, dict]:
    record = order.cancellation
    return c.WEBHOOK_CANCELLATION, {
        "order_id": order.id,
        "cancellations_role": record["role"],
        "cancel_status": record["cancel_status"],
        "cancel_id": record["cancel_id"],
        "create_time": record["create_time"],
    }


def cancellation_make(order, at, kind, status, role, text, key: str = "") -> dict:
    """A new cancellation record of the order; a closed earlier one is kept in the past."""
    if order.cancellation:
        order.past_cancellations.append(order.cancellation)
    paid = bool(order.data["paid_time"])
    number = 1 + len(order.past_cancellations)
    order.cancellation = {
        "cancel_id": "4" + order.id[1:] + str(number),
        "order_id": order.id,
        "cancel_type": kind,
        "cancel_status": status,
        "role": role,
        "cancel_reason": key or reason_key(text),
        "cancel_reason_text": text,
        "create_time": at,
        "update_time": at,
        "seller_next_action_response": [],
        "refund_amount": order_refund(order, paid),
        "cancel_line_items": request_lines(order, "4", "cancel_line_item_id", paid),
    }
    return order.cancellation


def order_cancelled(order: SimOrder, at: int, role: str, reason: str) -> None:
    data = order.data
    data.update(cancel_time=at, cancel_reason=reason, cancellation_initiator=role)
    data["is_buyer_request_cancel"] = False
    for item in data["line_items"]:
        item.update(cancel_reason=reason, cancel_user=role)
    status_set(order, "CANCELLED", at)


def cancel_pending(order: SimOrder) -> bool:
    return bool(order.cancellation) and order.cancellation["cancel_status"] == CANCEL_PENDING


def cancel_request(order: SimOrder, at: int, text: str) -> list:
    """The buyer asks to cancel: the seller must answer by the deadline."""
    record = cancellation_make(order, at, "BUYER_CANCEL", CANCEL_PENDING, "BUYER", text)
    deadline = answer_deadline(order, at, CANCEL_ANSWER_WITHIN)
    record["seller_next_action_response"] = asked("SELLER_RESPOND_CANCEL", deadline)
    order.data.update(is_buyer_request_cancel=True, request_cancel_time=at, update_time=at)
    plan_add(order, deadline, "cancel_deadline")
    return [cancellation_note(order)]


def _cancel_move(order: SimOrder, at: int, status: str) -> None:
    order.cancellation.update(cancel_status=status, update_time=at, seller_next_action_response=[])


def cancel_approve(order: SimOrder, at: int) -> list:
    """The request is approved: the order is cancelled, its future dropped, refunded later."""
    _cancel_move(order, at, c.CANCEL_STATUS_SUCCESS)
    order_cancelled(order, at, "BUYER", order.cancellation["cancel_reason_text"])
    order.plan = [(at + REFUND_AFTER / order.pace, "refund", None)]
    return [cancellation_note(order), status_note(order)]


def cancel_close(order: SimOrder, at: int) -> list:
    """The request ends without a cancellation (the seller rejected it, or the buyer withdrew
    it): the order goes on to be shipped. TikTok has no "rejected" cancellation status."""
    if not cancel_pending(order):
        return []
    _cancel_move(order, at, c.CANCEL_STATUS_WITHDRAWN)
    order.data.update(is_buyer_request_cancel=False, update_time=at)
    return [cancellation_note(order)]


def cancel_deadline(order: SimOrder, at: int) -> list:
    """The seller did not answer in time: TikTok decides."""
    if not cancel_pending(order):
        return []
    return cancel_approve(order, at) if AUTO_DECISION == "approve" else cancel_close(order, at)


def cancel_refunded(order: SimOrder, at: int) -> list:
    _cancel_move(order, at, c.CANCEL_STATUS_COMPLETE)
    return [cancellation_note(order)]


def cancel_direct(order: SimOrder, at: int, role: str, text: str, key: str = "") -> list:
    """A cancellation nobody reviews (the seller's Cancel Order, the system, the buyer during
    the free hour): the order is cancelled now, refunded later when it was paid."""
    cancellation_make(order, at, "CANCEL", c.CANCEL_STATUS_SUCCESS, role, text, key)
    order_cancelled(order, at, role, text)
    if key:  # the seller's: whatever else was planned for the order will not happen
        order.plan = []
        if order.data["paid_time"]:
            order.plan.append((at + REFUND_AFTER / order.pace, "refund", None))
    return [cancellation_note(order), status_note(order)]


def held_back(order: SimOrder, at: int, action: str, arg) -> bool:
    """A planned shipment waits while the buyer's cancellation request is open: it and every
    later step move to just after the deadline. True when it was held back."""
    if not cancel_pending(order):
        return False
    deadline = order.cancellation["seller_next_action_response"][0]["deadline"]
    delay = max(deadline + 1 - at, 1)
    kept = [step for step in order.plan if step[1] == "cancel_deadline"]
    order.plan = kept + [
        (t + delay, name, value) for t, name, value in order.plan if name != "cancel_deadline"
    ]
    plan_add(order, at + delay, action, arg)
    return True


def cancellation_step(order: SimOrder, at: int, action: str, arg) -> list | None:
    """Apply a planned cancellation step; None when `action` is not one."""
    if action == "cancel_request":
        return cancel_request(order, at, arg)
    if action == "cancel_withdraw":
        return cancel_close(order, at)
    if action == "cancel_deadline":
        return cancel_deadline(order, at)
    if action == "refund":
        return cancel_refunded(order, at)
    return None
