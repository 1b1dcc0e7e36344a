"""The simulator's own endpoints under /simulator/, for the demo and the tests (not TikTok's).

GET  /simulator/status                    orders, notifications, refusals, webhook counts
POST /simulator/orders?shop=0&count=1     new orders now
POST /simulator/deauthorize               the seller revokes the app: tokens die, type 6
POST /simulator/expiring?days=30          the authorization-expiring warning, type 7
"""

from demo.tiktok_simulator import constants as c


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
    return None
