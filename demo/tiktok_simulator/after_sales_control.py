"""The simulator's own after-sales controls, for the tests and the demo (not TikTok's): a
buyer's request on a chosen order now, instead of when the order's plan would make one.

POST /simulator/cancellations?order_id=…&reason=…      the buyer asks to cancel (awaiting shipment)
POST /simulator/returns?order_id=…&type=REFUND&reason=…  the buyer asks for a refund
                                                        (or RETURN_AND_REFUND) after delivery
POST /simulator/returns/ship?return_id=…               the buyer sends the item back now
"""

from demo import words
from demo.tiktok_simulator import after_sales_state as state
from demo.tiktok_simulator import returns
from demo.tiktok_simulator.after_sales import Refusal, change, return_find
from demo.tiktok_simulator.search import BadRequest


def _order(world, query: dict):
    order = world.orders.get(query.get("order_id", ""))
    if order is None or order.packed is not None:
        raise BadRequest("order_id must name an order that can still change")
    return order


def _deadline(record: dict) -> int:
    asked = record["seller_next_action_response"]
    return asked[0]["deadline"] if asked else 0


def _cancellation(world, query: dict) -> dict:
    order = _order(world, query)
    if order.data["status"] != "AWAITING_SHIPMENT" or state.cancel_pending(order):
        raise BadRequest("the order must await shipment, with no cancellation request open")
    reason = query.get("reason") or words.CANCEL_REASONS["BUYER"][0]
    change(world, order, lambda at: state.cancel_request(order, at, reason[:120]))
    record = order.cancellation
    return {"cancel_id": record["cancel_id"], "deadline": _deadline(record)}


def _return(world, query: dict) -> dict:
    order = _order(world, query)
    kind = query.get("type", "REFUND")
    if kind not in returns.RETURN_ASKS:
        raise BadRequest(f"type must be one of {', '.join(returns.RETURN_ASKS)}")
    if order.data["status"] != "DELIVERED" or returns.return_open(order):
        raise BadRequest("the order must be delivered, with no return open")
    reason = query.get("reason") or words.REFUND_REASONS[0]
    change(world, order, lambda at: returns.return_request(order, at, kind, reason[:120]))
    record = order.returns[-1]
    return {"return_id": record["return_id"], "deadline": _deadline(record)}


def _ship(world, query: dict) -> dict:
    found = None
    for shop in world.shops:
        try:
            found = return_find(world, shop, query.get("return_id", ""))
        except Refusal:
            continue
    order, record = found or (None, None)
    if record is None or record["return_status"] != returns.AWAITING_BUYER_SHIP:
        raise BadRequest("return_id must name a return waiting for the buyer to send the item")
    change(world, order, lambda at: returns.return_shipped(order, record, at))
    status = record["return_status"]
    return {"return_id": record["return_id"], "status": status, "deadline": _deadline(record)}


CONTROLS = {
    "/simulator/cancellations": _cancellation,
    "/simulator/returns": _return,
    "/simulator/returns/ship": _ship,
}


def after_sales_control(world, method: str, path: str, query: dict) -> dict | None:
    """The data to answer, or None for another control path."""
    if method != "POST" or path not in CONTROLS:
        return None
    with world.lock:
        return CONTROLS[path](world, query)
