"""The simulator's fulfilment and logistics endpoints: Get Shipping Providers, Mark Package As
Shipped (order level: US, UK, EU, JP) and Ship Package with `self_shipment` (other markets),
with TikTok's state checks and error codes, and the order moved and notified afterwards.

A shipped order awaits collection at once; its planned "arrange" step (the simulated seller
shipping on its own) is dropped, and its planned collection moves it to IN_TRANSIT on the
simulator's clock as before. A package notification (type 4) and a status one (type 1) are
sent like the world's other notifications.
"""

import heapq
import re

from demo import words
from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.finance_api import path_template as finance_template
from demo.tiktok_simulator.lifecycle import provider_id, status_note
from demo.tiktok_simulator.orders import packages_set, status_set

PROVIDERS_PATH = "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers"
MARK_SHIPPED_PATH = "/fulfillment/202309/orders/{order_id}/packages"
SHIP_PACKAGE_PATH = "/fulfillment/202309/packages/{package_id}/ship"
TEMPLATES = {
    re.compile(r"^/logistics/202309/delivery_options/\d{1,32}/shipping_providers$"): PROVIDERS_PATH,
    re.compile(r"^/fulfillment/202309/orders/\d{1,32}/packages$"): MARK_SHIPPED_PATH,
    re.compile(r"^/fulfillment/202309/packages/\d{1,32}/ship$"): SHIP_PACKAGE_PATH,
    # arrange.py: TikTok's own shipping
    re.compile(r"^/fulfillment/202309/packages/\d{1,32}/handover_time_slots$"): (
        "/fulfillment/202309/packages/{package_id}/handover_time_slots"
    ),
    re.compile(r"^/fulfillment/202309/packages/\d{1,32}/shipping_documents$"): (
        "/fulfillment/202309/packages/{package_id}/shipping_documents"
    ),
}
ORDER_LEVEL_MARKETS = frozenset({"US", "GB", "ES", "IE", "IT", "DE", "FR", "JP"})
# UNCONFIRMED: TikTok verifies a number against the carrier; the simulator only its shape.
TRACKING_SHAPE = re.compile(r"^[A-Z0-9]{10,30}$")
SHIPPED_STATUSES = frozenset({"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"})
# code -> message, TikTok's (the messages are paraphrased where the docs give none).
REFUSALS = {
    "not_seller": (21008111, "The order or package does not belong to the current seller."),
    "region": (21008106, "This interface cannot be used in this region."),
    "package_unknown": (21011028, "The package is not in the current shop."),
    "cancelled": (21011041, "The order has been cancelled."),
    "shipped": (21011040, "Package has been shipped."),
    "not_awaiting": (21042057, "The order status is not AWAITING_SHIPMENT."),
    "platform_shipping": (21008025, "The package is shipped by the platform."),  # UNCONFIRMED
    "tracking": (21011022, "Invalid tracking number or shipping provider."),
    "provider": (11028006, "The shipping provider is not available for this delivery option."),
    # arrange.py: TikTok's own shipping (messages paraphrased; UNCONFIRMED where marked)
    "after_sale": (21008044, "The order has a pending after-sale request."),
    "outside_slot": (21011053, "The pickup time is outside the available pickup time slots."),
    "seller_shipping": (11034002, "Only packages shipped by TikTok have shipping documents."),
    "not_tiktok_shipping": (21011004, "The order is not shipped by the platform."),  # UNCONFIRMED
    "arrange_first": (21023035, "Please arrange shipment first."),
    "generating": (11034037, "The document is being generated, please try again later."),
    "picked_up": (21042102, "Documents couldn't be printed after the package has been pickup."),
    "package_cancelled": (21023059, "The package has been cancelled."),
}


class BusinessError(Exception):
    """TikTok's answer with a non-zero code on HTTP 200."""

    def __init__(self, name: str):
        self.code, self.message = REFUSALS[name]
        super().__init__(self.message)


def path_template(path: str) -> str:
    """The endpoint a path with ids in it calls (constants.ENDPOINTS names templates)."""
    for pattern, template in TEMPLATES.items():
        if pattern.match(path):
            return template
    return finance_template(path)


def providers_for(region: str, delivery_option_id: str) -> list[dict]:
    """The carriers of the market, for any seller-shipping delivery option."""
    carriers = words.MARKETS.get(region, words.MARKETS["US"])["carriers"]
    return [{"id": provider_id(name), "name": name} for name in carriers]


def fulfilment_answer(world, call, body: dict) -> dict | None:
    """The `data` of a fulfilment call, None for another endpoint; raises BusinessError."""
    template = path_template(call.path)
    if template not in (PROVIDERS_PATH, MARK_SHIPPED_PATH, SHIP_PACKAGE_PATH):
        return None
    ids = re.findall(r"/(\d{7,})", call.path)  # the id in the path (not the version)
    if template == PROVIDERS_PATH:
        return {"shipping_providers": providers_for(call.shop.region, ids[0])}
    with world.lock:
        if template == MARK_SHIPPED_PATH:
            if call.shop.region not in ORDER_LEVEL_MARKETS:
                raise BusinessError("region")
            order = world.orders.get(ids[0])
            if order is None or order.shop.id != call.shop.id:
                raise BusinessError("not_seller")
            shipment = body
        else:
            order = _order_of_package(world, call.shop, ids[0])
            shipment = (
                body.get("self_shipment") if isinstance(body.get("self_shipment"), dict) else {}
            )
        package_id = _ship(world, order, shipment, ids[0] if template == SHIP_PACKAGE_PATH else "")
    if template == SHIP_PACKAGE_PATH:
        return {}
    return {
        "order_id": order.id,
        "order_line_item_ids": [item["id"] for item in order.data["line_items"]],
        "package_id": package_id,
        "warning": {"message": ""},
    }


def _order_of_package(world, shop, package_id: str):
    for order in world.by_shop.get(shop.id, []):
        if order.packed is None and any(p["id"] == package_id for p in order.data["packages"]):
            return order
    raise BusinessError("package_unknown")


def _ship(world, order, shipment: dict, package_id: str) -> str:
    data = order.data
    if order.packed is not None or data["status"] == "CANCELLED":
        raise BusinessError("cancelled" if data["status"] == "CANCELLED" else "shipped")
    if data["tracking_number"] or data["status"] in SHIPPED_STATUSES:
        raise BusinessError("shipped")
    if data["status"] != "AWAITING_SHIPMENT":
        raise BusinessError("not_awaiting")
    if data["shipping_type"] != "SELLER":
        raise BusinessError("platform_shipping")
    if data.get("is_buyer_request_cancel"):  # the seller answers the request first
        raise BusinessError("after_sale")
    tracking = str(shipment.get("tracking_number") or "")
    provider = str(shipment.get("shipping_provider_id") or "")
    names = {
        p["id"]: p["name"] for p in providers_for(order.shop.region, data["delivery_option_id"])
    }
    if provider not in names:
        raise BusinessError("provider")
    if not TRACKING_SHAPE.match(tracking):
        raise BusinessError("tracking")
    return shipped_apply(world, order, package_id, names[provider], provider, tracking)


def shipped_apply(world, order, package_id: str, carrier: str, provider: str, tracking: str):
    """The order's package handed over with this number (by the seller, or arranged with
    TikTok's carrier): it awaits collection, and the shop is notified. The package id."""
    data = order.data
    at = int(world.clock())
    if not data["packages"]:  # the US: the package is made now
        packages_set(order, [data["line_items"]])
    package_id = package_id or data["packages"][0]["id"]
    order.carrier, order.tracking = carrier, tracking
    for item in data["line_items"]:
        item.update(
            tracking_number=tracking,
            shipping_provider_name=carrier,
            shipping_provider_id=provider,
            rts_time=at,
        )
    data.update(
        rts_time=at,
        tracking_number=tracking,
        shipping_provider=carrier,
        shipping_provider_id=provider,
    )
    status_set(order, "AWAITING_COLLECTION", at)
    order.cached = None
    _arrange_dropped(world, order)
    package_note = {
        "package_list": [{"package_id": package_id, "order_id_list": [order.id]}],
        "role_type": "ROLE_SELLER",
        "update_time": at,
    }
    world.shop_notify(order.shop, c.WEBHOOK_PACKAGE, package_note, at)
    world.shop_notify(order.shop, *status_note(order), at)
    return package_id


def _arrange_dropped(world, order) -> None:
    """The seller shipped: the simulated shipment it had planned never happens."""
    planned = [entry for entry in world.heap if entry[2] == "step" and entry[3][0] is order]
    if planned and planned[0][3][1] == "arrange":
        world.heap.remove(planned[0])
        heapq.heapify(world.heap)
        if order.plan:
            world._next_step(order)
        return
    order.plan = [step for step in order.plan if step[1] != "arrange"]
