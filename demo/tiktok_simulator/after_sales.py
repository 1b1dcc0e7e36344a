"""The simulator's after-sales endpoints: the seller answers a buyer's cancellation or return
request (approve, reject with a reason of Get Reject Reasons) and cancels orders itself, with
TikTok's state checks and codes; the records move (after_sales_state.py) and are notified
like the world's other changes (11, 12, and 1 when the order's status changes).

Approve and reject take TikTok's `idempotency_key`: the same key again (in the same shop)
answers what the first call answered and changes nothing. Only an accepted call is
remembered; a refused one changed nothing, so asking again is simply asked again.
"""

import heapq
import re

from demo.tiktok_simulator import after_sales_state as state
from demo.tiktok_simulator import returns
from demo.tiktok_simulator.after_sales_reasons import (
    CANCEL_REJECT_REASONS,
    RECEIVED_REJECT_REASONS,
    RETURN_REJECT_REASONS,
    SELLER_CANCEL_REASONS,
)
from demo.tiktok_simulator.fulfilment import BusinessError
from demo.tiktok_simulator.fulfilment import path_template as fulfilment_template
from demo.tiktok_simulator.search import BadRequest

CANCEL_ORDER_PATH = "/return_refund/202309/cancellations"
REJECT_REASONS_PATH = "/return_refund/202309/reject_reasons"
CANCEL_APPROVE_PATH = "/return_refund/202309/cancellations/{cancel_id}/approve"
CANCEL_REJECT_PATH = "/return_refund/202309/cancellations/{cancel_id}/reject"
RETURN_APPROVE_PATH = "/return_refund/202309/returns/{return_id}/approve"
RETURN_REJECT_PATH = "/return_refund/202309/returns/{return_id}/reject"
TEMPLATES = {
    re.compile(r"^/return_refund/202309/cancellations/\d{1,32}/approve$"): CANCEL_APPROVE_PATH,
    re.compile(r"^/return_refund/202309/cancellations/\d{1,32}/reject$"): CANCEL_REJECT_PATH,
    re.compile(r"^/return_refund/202309/returns/\d{1,32}/approve$"): RETURN_APPROVE_PATH,
    re.compile(r"^/return_refund/202309/returns/\d{1,32}/reject$"): RETURN_REJECT_PATH,
}
IDEMPOTENCY_KEY_MAX = 255
REMEMBERED_ANSWERS = 10_000
SHIPPED = frozenset({"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"})
# The decisions TikTok takes on each stage's ask; the first approves, the second rejects.
DECISIONS = {
    "SELLER_RESPOND_REFUND": ("APPROVE_REFUND", "REJECT_REFUND"),
    "SELLER_RESPOND_RETURN": ("APPROVE_RETURN", "REJECT_RETURN"),
    "SELLER_RESPOND_RECEIVE_PACKAGE": ("APPROVE_RECEIVED_PACKAGE", "REJECT_RECEIVED_PACKAGE"),
}
APPROVALS = frozenset(
    {"APPROVE_REFUND", "APPROVE_RETURN", "APPROVE_RECEIVED_PACKAGE", "APPROVE_REPLACEMENT"}
    | {"ISSUE_REPLACEMENT_REFUND", "OFFER_PARTIAL_REFUND"}
)
REJECTIONS = frozenset(
    {"REJECT_REFUND", "REJECT_RETURN", "REJECT_RECEIVED_PACKAGE", "REJECT_REPLACEMENT"}
)
# code, message: TikTok's codes; the messages are paraphrased where the docs give none.
REFUSALS = {
    # UNCONFIRMED: what TikTok answers for a request or order the shop does not have.
    "unknown": (25020005, "No permission to operate this order."),
    "cannot_approve": (25011012, "The current status of the request cannot be approved."),
    "cannot_reject": (25011011, "The current status of the request cannot be rejected."),
    "cannot_receive": (25011013, "The current status cannot approve the received package."),
    "decision": (25020003, "Decision not match reverse status."),
    "reject_reason": (25001016, "The reason does not match the action."),
    "cancel_reason": (25001014, "The cancel reason is invalid."),
    "reason_status": (25001021, "Reason not match order status."),
    "shipped": (25001045, "The order has been shipped and cannot be cancelled."),
    "in_progress": (25001011, "The order is cancelled or has an after-sales request open."),
}


class Refusal(BusinessError):
    """An after-sales refusal (TikTok's code on HTTP 200)."""

    def __init__(self, name: str):  # BusinessError's own __init__ reads fulfilment's table
        self.code, self.message = REFUSALS[name]
        Exception.__init__(self, self.message)


def path_template(path: str) -> str:
    """The endpoint a path with ids in it calls (constants.ENDPOINTS names templates)."""
    for pattern, template in TEMPLATES.items():
        if pattern.match(path):
            return template
    return fulfilment_template(path)


def after_sales_answer(world, call, body: dict) -> dict | None:
    """The `data` of an after-sales call, None for another endpoint; raises Refusal or
    BadRequest."""
    template = path_template(call.path)
    if template not in ANSWERS:
        return None
    key = call.query.get("idempotency_key", "")
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise BadRequest(f"idempotency_key must be at most {IDEMPOTENCY_KEY_MAX} characters")
    ids = re.findall(r"/(\d{7,})", call.path)
    keyed = (call.shop.id, key) if key and template in TEMPLATES.values() else None
    with world.lock:
        remembered = world.answers.get(keyed) if keyed else None
        if remembered is not None:
            return remembered
        data = ANSWERS[template](world, call.shop, ids[0] if ids else "", call.query, body)
        if keyed:
            world.answers[keyed] = data
            while len(world.answers) > REMEMBERED_ANSWERS:
                world.answers.popitem(last=False)
    return data


# --- Finding and changing an order's records -----------------------------------------------


def _order_of(world, shop, record_id: str):
    """The order behind a cancel or return id: both are the order id with its first digit
    changed and one digit added."""
    order = world.orders.get("5" + record_id[1:-1]) if len(record_id) > 2 else None
    return order if order is not None and order.shop.id == shop.id else None


def cancellation_find(world, shop, cancel_id: str):
    order = _order_of(world, shop, cancel_id)
    if order is not None and order.cancellation:
        for record in (*order.past_cancellations, order.cancellation):
            if record["cancel_id"] == cancel_id:
                return order, record
    raise Refusal("unknown")


def return_find(world, shop, return_id: str):
    order = _order_of(world, shop, return_id)
    record = returns.return_by_id(order, return_id) if order is not None else None
    if record is None:
        raise Refusal("unknown")
    return order, record


def change(world, order, move) -> None:
    """Apply `move(at) -> notifications` to the order now, outside its plan: its next planned
    step comes back into the plan (the move may rewrite it) and is pushed again after."""
    at = int(world.clock())
    planned = [entry for entry in world.heap if entry[2] == "step" and entry[3][0] is order]
    if planned:
        world.heap.remove(planned[0])
        heapq.heapify(world.heap)
        _, action, arg = planned[0][3]
        order.plan.insert(0, (planned[0][0], action, arg))
    before = order.data["update_time"]
    order.cached = None
    notes = move(at)
    if order.data["update_time"] != before:
        world._updated(order)
    for webhook_type, data in notes:
        world.shop_notify(order.shop, webhook_type, data, at)
    if order.plan:
        world._next_step(order)


# --- The endpoints ---------------------------------------------------------------------------


def _text(body: dict, name: str, *, required: bool = True) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or (required and not value):
        raise BadRequest(f"{name} must be a non-empty string" if required else f"{name}: text")
    return value


def reasons_for(order, record) -> dict[str, str]:
    """{reason key: text} TikTok accepts now for rejecting this request."""
    action = state.asked_action(record)
    if order.packed is not None or not action:
        return {}
    if action == "SELLER_RESPOND_CANCEL":
        return CANCEL_REJECT_REASONS
    if action == "SELLER_RESPOND_RECEIVE_PACKAGE":
        return RECEIVED_REJECT_REASONS
    return RETURN_REJECT_REASONS


def _reject_reasons(world, shop, _, query: dict, body: dict) -> dict:
    request_id = query.get("return_or_cancel_id", "")
    if not request_id.isdigit():
        raise BadRequest("return_or_cancel_id must be a cancellation's or a return's id")
    try:
        order, record = cancellation_find(world, shop, request_id)
    except Refusal:
        order, record = return_find(world, shop, request_id)
    reasons = reasons_for(order, record)
    return {"reasons": [{"name": name, "text": text} for name, text in reasons.items()]}


def _cancel_answer(world, shop, cancel_id: str, query: dict, body: dict, approve: bool) -> dict:
    order, record = cancellation_find(world, shop, cancel_id)
    if order.packed is not None or not state.cancel_pending(order):
        raise Refusal("cannot_approve" if approve else "cannot_reject")
    if approve:
        change(world, order, lambda at: state.cancel_approve(order, at))
        return {}
    if _text(body, "reject_reason") not in reasons_for(order, record):
        raise Refusal("reject_reason")
    _text(body, "comment", required=False)
    change(world, order, lambda at: state.cancel_close(order, at))
    return {}


def _return_answer(world, shop, return_id: str, query: dict, body: dict, approve: bool) -> dict:
    order, record = return_find(world, shop, return_id)
    decision = _text(body, "decision")
    if decision not in (APPROVALS if approve else REJECTIONS):
        kind = "an approval" if approve else "a rejection"
        raise BadRequest(f"decision {decision[:40]!r} is not {kind}")
    waiting = record["return_status"] == returns.AWAITING_BUYER_SHIP
    if decision == "APPROVE_RECEIVED_PACKAGE" and waiting:
        raise Refusal("cannot_receive")
    action = state.asked_action(record)
    if order.packed is not None or not action:
        raise Refusal("cannot_approve" if approve else "cannot_reject")
    if decision != DECISIONS[action][0 if approve else 1]:
        raise Refusal("decision")
    if approve:
        keep = body.get("buyer_keep_item") is True and decision == "APPROVE_RETURN"
        change(world, order, lambda at: returns.return_approve(order, record, at, decision, keep))
        return {}
    if _text(body, "reject_reason") not in reasons_for(order, record):
        raise Refusal("reject_reason")
    _text(body, "comment", required=False)
    change(world, order, lambda at: returns.return_reject(order, record, at))
    return {}


def _cancel_order(world, shop, _, query: dict, body: dict) -> dict:
    order_id, reason = _text(body, "order_id"), _text(body, "cancel_reason")
    order = world.orders.get(order_id)
    if order is None or order.shop.id != shop.id:
        raise Refusal("unknown")
    status = order.data["status"]
    if status == "CANCELLED" or state.cancel_pending(order) or returns.return_open(order):
        raise Refusal("in_progress")
    if status in SHIPPED or order.packed is not None:
        raise Refusal("shipped")
    every_reason = {k: v for reasons in SELLER_CANCEL_REASONS.values() for k, v in reasons.items()}
    if reason not in every_reason:
        raise Refusal("cancel_reason")
    if reason not in SELLER_CANCEL_REASONS.get(status, {}):
        raise Refusal("reason_status")
    lines = body.get("order_line_item_ids")
    if lines and set(lines) != {item["id"] for item in order.data["line_items"]}:
        raise BadRequest("the simulator cancels whole orders only: leave out order_line_item_ids")
    text = every_reason[reason]
    change(world, order, lambda at: state.cancel_direct(order, at, "SELLER", text, reason))
    record = order.cancellation
    return {"cancel_id": record["cancel_id"], "cancel_status": record["cancel_status"]}


ANSWERS = {
    REJECT_REASONS_PATH: _reject_reasons,
    CANCEL_ORDER_PATH: _cancel_order,
    CANCEL_APPROVE_PATH: lambda *args: _cancel_answer(*args, approve=True),
    CANCEL_REJECT_PATH: lambda *args: _cancel_answer(*args, approve=False),
    RETURN_APPROVE_PATH: lambda *args: _return_answer(*args, approve=True),
    RETURN_REJECT_PATH: lambda *args: _return_answer(*args, approve=False),
}
