"""The simulator's own endpoints under /simulator/, for the demo and the tests (not TikTok's).

GET  /simulator/status                    orders, notifications, refusals, webhook counts
POST /simulator/orders?shop=0&count=1     new orders now
POST /simulator/orders/advance?id=…       that order's next step now (and its notifications)
POST /simulator/deauthorize               the seller revokes the app: tokens die, type 6
POST /simulator/expiring?days=30          the authorization-expiring warning, type 7
POST /simulator/faults?kind=html&count=3  the next Open API calls go wrong (FAULTS)
POST /simulator/cancellations, /simulator/returns, /simulator/returns/ship  buyers' requests
                                          now (after_sales_control.py)
"""

import json

from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.after_sales_control import after_sales_control
from demo.tiktok_simulator.search import BadRequest

FAULT_SLOW_SECONDS = 5.0  # longer than any sensible client timeout
HTML_ERROR = b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
_INTERNAL = {"code": 36009003, "message": "Internal error. Please retry later.", "data": None}
_LIMITED = {"code": 36009002, "message": c.ERRORS["rate_limited"][2], "data": None}
# kind -> (HTTP status, body, content type), answered instead of the call
FAULT_ANSWERS = {
    "html": (502, HTML_ERROR, "text/html"),
    "unavailable": (503, json.dumps(_INTERNAL).encode(), "application/json"),
    "internal": (200, json.dumps(_INTERNAL).encode(), "application/json"),  # 200, code not 0
    "rate_limited": (429, json.dumps(_LIMITED).encode(), "application/json"),
}
# Besides those: "slow" answers after FAULT_SLOW_SECONDS, "truncated" sends half the answer.
FAULTS = (*FAULT_ANSWERS, "slow", "truncated")


def _number(query: dict, name: str, default: int, highest: int) -> int:
    value = query.get(name, "")
    return min(int(value), highest) if value.isdigit() else default


def control_answer(sim, method: str, path: str, query: dict) -> dict | None:
    """The data to answer, or None for an unknown control path."""
    world, accounts, sender = sim.world, sim.accounts, sim.sender
    if (method, path) == ("GET", "/simulator/status"):
        webhooks = None
        if sender:
            webhooks = {
                "delivered": sender.delivered,
                "refused": sender.refused,
                "failed": sender.failed,
                "pending": sender.pending(),
            }
        return {
            "orders": len(world.orders),
            "notifications": world.notifications,
            "rate_limited": sim.limiter.refused,
            "webhooks": webhooks,
        }
    if (method, path) == ("POST", "/simulator/orders"):
        shop = _number(query, "shop", 0, len(accounts.shops) - 1)
        count = _number(query, "count", 1, 1000)
        return {"order_ids": [world.order_create(shop).id for _ in range(count)]}
    if (method, path) == ("POST", "/simulator/orders/advance"):
        order = world.order_advance(query.get("id", ""))
        if order is None:
            raise BadRequest("id must name an order that has a step left")
        return {"id": order.id, "status": order.data["status"]}
    if (method, path) == ("POST", "/simulator/deauthorize"):
        accounts.revoke()
        for shop in accounts.shops:
            message = f"Shop_id {shop.id} is deauthorized from your APP by merchant."
            world.shop_notify(shop, c.WEBHOOK_DEAUTHORIZATION, {"message": message})
        return {}
    if (method, path) == ("POST", "/simulator/expiring"):
        days = _number(query, "days", 30, 365)
        expires = int(world.clock()) + days * c.DAY
        for shop in accounts.shops:
            message = f"Your authorization for this app is expiring in {days} days."
            data = {"message": message, "expiration_time": str(expires)}
            world.shop_notify(shop, c.WEBHOOK_AUTH_EXPIRING, data)
        return {}
    if (method, path) == ("POST", "/simulator/faults"):
        kind = query.get("kind", "")
        if kind not in FAULTS:
            raise BadRequest(f"kind must be one of {', '.join(FAULTS)}")
        sim.fault_add(kind, _number(query, "count", 1, 1000))
        return {"pending": list(sim.faults)}
    return after_sales_control(world, method, path, query)
