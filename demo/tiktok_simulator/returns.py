"""The simulated TikTok's returns and refunds after delivery and how they move: the buyer
asks (a planned step or the control endpoint), the seller answers each stage through the API
(after_sales.py) or TikTok decides at the deadline, and the buyer sends the item back.
Functions here work as in after_sales_state.py: they return the notifications and plan
their later steps in `order.plan`.
"""

import random

from demo.parts import random_tracking_number
from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.after_sales_state import (
    AUTO_DECISION,
    RECEIVED_ANSWER_WITHIN,
    RETURN_ANSWER_WITHIN,
    answer_deadline,
    asked,
    asked_action,
    order_refund,
    plan_add,
    reason_key,
    request_lines,
)
from demo.tiktok_simulator.orders import SimOrder

RETURN_PENDING = "RETURN_OR_REFUND_REQUEST_PENDING"
AWAITING_BUYER_SHIP, BUYER_SHIPPED = "AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM"
RETURN_SUCCESS = "RETURN_OR_REFUND_REQUEST_SUCCESS"
RETURN_COMPLETE = "RETURN_OR_REFUND_REQUEST_COMPLETE"
RETURN_REJECTED, RECEIVED_REJECTED = "REFUND_OR_RETURN_REQUEST_REJECT", "REJECT_RECEIVE_PACKAGE"
RETURN_FINAL = frozenset(
    {RETURN_COMPLETE, RETURN_REJECTED, RECEIVED_REJECTED, "RETURN_OR_REFUND_REQUEST_CANCEL"}
)
# What a pending return asks of the seller, by its type, and the decision TikTok takes for
# the seller at each stage when it decides itself.
RETURN_ASKS = {"REFUND": "SELLER_RESPOND_REFUND", "RETURN_AND_REFUND": "SELLER_RESPOND_RETURN"}
APPROVAL_BY_ASK = {
    "SELLER_RESPOND_REFUND": "APPROVE_REFUND",
    "SELLER_RESPOND_RETURN": "APPROVE_RETURN",
    "SELLER_RESPOND_RECEIVE_PACKAGE": "APPROVE_RECEIVED_PACKAGE",
}


def return_open(order: SimOrder) -> dict | None:
    record = order.returns[-1] if order.returns else None
    return record if record and record["return_status"] not in RETURN_FINAL else None


def return_note(order: SimOrder, record: dict) -> tuple[int, dict]:
    return c.WEBHOOK_RETURN, {
        "order_id": order.id,
        "return_role": record["role"],
        "return_type": record["return_type"],
        "return_status": record["return_status"],
        "return_id": record["return_id"],
        "create_time": record["create_time"],
        "update_time": record["update_time"],
    }


def _ask(order: SimOrder, record: dict, at: int, action: str, within: float) -> None:
    deadline = answer_deadline(order, at, within)
    record["seller_next_action_response"] = asked(action, deadline)
    plan_add(order, deadline, "return_deadline", (record["return_id"], record["return_status"]))


def _move(order: SimOrder, record: dict, at: int, status: str) -> tuple[int, dict]:
    record.update(return_status=status, update_time=at, seller_next_action_response=[])
    return return_note(order, record)


def _later(record: dict, bounds: tuple[float, float]) -> float:
    """A stage length drawn from the record's own stream (the same every run)."""
    return random.Random(f"{record['return_id']}:{record['return_status']}").uniform(*bounds)


def return_request(order: SimOrder, at: int, kind: str, text: str) -> list:
    """The buyer asks for a refund (REFUND) or a return (RETURN_AND_REFUND) after delivery."""
    record = {
        "return_id": "5" + order.id[1:] + str(2 + len(order.returns)),
        "order_id": order.id,
        "return_type": kind,
        "return_status": RETURN_PENDING,
        "arbitration_status": "",
        "role": "BUYER",
        "return_reason": reason_key(text),
        "return_reason_text": text,
        "shipment_type": "PLATFORM",
        "handover_method": "DROP_OFF",
        "return_method": "BUYER_SHIPPED",
        "return_tracking_number": "",
        "return_provider_name": "",
        "can_buyer_keep_item": kind == "REFUND",
        "create_time": at,
        "update_time": at,
        "seller_next_action_response": [],
        "refund_amount": order_refund(order, True),
        "return_line_items": request_lines(order, "5", "return_line_item_id", True),
    }
    order.returns.append(record)
    _ask(order, record, at, RETURN_ASKS[kind], RETURN_ANSWER_WITHIN)
    return [return_note(order, record)]


def return_approve(order: SimOrder, record: dict, at: int, decision: str, keep=False) -> list:
    """The seller's approval (or TikTok's for the seller) at the record's stage."""
    if decision == "APPROVE_RETURN" and not keep:
        note = _move(order, record, at, AWAITING_BUYER_SHIP)
        ships = at + _later(record, c.RETURN_STEP_AFTER) / order.pace
        plan_add(order, ships, "return_shipped", record["return_id"])
        return [note]
    note = _move(order, record, at, RETURN_SUCCESS)
    refunded = at + _later(record, c.RETURN_STEP_AFTER) / order.pace
    plan_add(order, refunded, "return_refunded", record["return_id"])
    return [note]


def return_reject(order: SimOrder, record: dict, at: int) -> list:
    status = RECEIVED_REJECTED if record["return_status"] == BUYER_SHIPPED else RETURN_REJECTED
    return [_move(order, record, at, status)]


def return_shipped(order: SimOrder, record: dict, at: int) -> list:
    """The buyer sends the item back: the seller must check it by the deadline."""
    if record["return_status"] != AWAITING_BUYER_SHIP:
        return []
    rng = random.Random(f"{record['return_id']}:shipped")
    record.update(
        return_tracking_number=random_tracking_number(rng, order.carrier),
        return_provider_name=order.carrier,
    )
    note = _move(order, record, at, BUYER_SHIPPED)
    _ask(order, record, at, "SELLER_RESPOND_RECEIVE_PACKAGE", RECEIVED_ANSWER_WITHIN)
    return [note]


def return_deadline(order: SimOrder, record: dict, at: int, stage: str) -> list:
    """The seller did not answer this stage in time: TikTok decides."""
    action = asked_action(record)
    if record["return_status"] != stage or not action:
        return []
    if AUTO_DECISION != "approve":
        return return_reject(order, record, at)
    return return_approve(order, record, at, APPROVAL_BY_ASK[action])


def return_refunded(order: SimOrder, record: dict, at: int) -> list:
    if record["return_status"] != RETURN_SUCCESS:
        return []
    return [_move(order, record, at, RETURN_COMPLETE)]


def return_by_id(order: SimOrder, return_id: str) -> dict | None:
    return next((r for r in order.returns if r["return_id"] == return_id), None)


def return_step(order: SimOrder, at: int, action: str, arg) -> list | None:
    """Apply a planned return step; None when `action` is not one."""
    if action == "return_request":
        return return_request(order, at, *arg)
    moves = {
        "return_shipped": return_shipped,
        "return_refunded": return_refunded,
        "return_deadline": return_deadline,
    }
    if action not in moves:
        return None
    return_id, *rest = arg if isinstance(arg, tuple) else (arg,)
    record = return_by_id(order, return_id)
    return moves[action](order, record, at, *rest) if record else []
