"""The simulator's TikTok shipping (shipping_type TIKTOK): Get Package Handover Time Slots,
Ship Package with `handover_method` and `pickup_slot` (SEA, EMEA, LATAM) and Create Packages,
which buys the label (the US), with the state checks and codes TikTok documents for Ship
Package and Get Package Handover Time Slots. An arranged package awaits collection with
TikTok's carrier and tracking number; its planned collection moves it on as a seller's
shipment would.
"""

import re
from datetime import UTC, datetime, timedelta

from demo.tiktok_simulator.documents import DOCUMENT_PATH, document_answer
from demo.tiktok_simulator.fulfilment import (
    SHIP_PACKAGE_PATH,
    BusinessError,
    _order_of_package,
    path_template,
    shipped_apply,
)
from demo.tiktok_simulator.lifecycle import provider_id

SLOTS_PATH = "/fulfillment/202309/packages/{package_id}/handover_time_slots"
CREATE_PACKAGES_PATH = "/fulfillment/202309/packages"
HANDOVER_METHODS = ("PICKUP", "DROP_OFF")
# UNCONFIRMED: the hours TikTok's carriers offer; the simulator offers these, in UTC, today
# (while still ahead) and on the next SLOT_DAYS days.
SLOT_HOURS = ((9, 12), (13, 18))
SLOT_DAYS = 3
SHIPPED = frozenset({"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"})
# The US label's service, as Create Packages answers it (the shop's default service).
US_SERVICE = {
    "id": "7208502187360519982",
    "name": "Standard shipping",
    "price": "4.15",
    "currency": "USD",
    "earliest_delivery_days": 3,
    "latest_delivery_days": 6,
}


def pickup_slots(now: float) -> list[dict]:
    """The pick-up windows offered from `now` on."""
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    slots = []
    for offset in range(SLOT_DAYS + 1):
        for start, end in SLOT_HOURS:
            begins = day + timedelta(days=offset, hours=start)
            if begins.timestamp() > now:
                ends = day + timedelta(days=offset, hours=end)
                slots.append(
                    {
                        "start_time": int(begins.timestamp()),
                        "end_time": int(ends.timestamp()),
                        "avaliable": True,  # sic: TikTok's spelling
                    }
                )
    return slots


def arrange_answer(world, call, body: dict) -> dict | None:
    """The `data` of a TikTok-shipping call, None for another endpoint (or for Ship Package
    of a seller-shipped package, fulfilment.py's); raises BusinessError."""
    template = path_template(call.path)
    ids = re.findall(r"/(\d{7,})", call.path)
    if template == DOCUMENT_PATH:
        return document_answer(world, call, ids[0])
    if template == SLOTS_PATH:
        with world.lock:
            order = _order_of_package(world, call.shop, ids[0])
            _arrangeable(order)
        return {
            "can_pickup": True,
            "can_drop_off": True,
            "can_van_collection": False,
            "drop_off_point_url": "",
            "pickup_slots": pickup_slots(world.clock()),
        }
    if template == CREATE_PACKAGES_PATH and call.method == "POST":
        return _label_bought(world, call, body)
    if template != SHIP_PACKAGE_PATH:
        return None
    with world.lock:
        order = _order_of_package(world, call.shop, ids[0])
        if order.data["shipping_type"] != "TIKTOK":
            return None
        _arrangeable(order)
        method = body.get("handover_method") or "PICKUP"
        if method not in HANDOVER_METHODS:
            raise BusinessError("outside_slot")
        if method == "PICKUP":
            slot = body.get("pickup_slot") if isinstance(body.get("pickup_slot"), dict) else {}
            offered = {(s["start_time"], s["end_time"]) for s in pickup_slots(world.clock())}
            if (slot.get("start_time"), slot.get("end_time")) not in offered:
                raise BusinessError("outside_slot")
            order.handover = {"method": method, "pickup_slot": slot}
        else:
            order.handover = {"method": method}
        _arranged(world, order, ids[0])
    return {}


def _label_bought(world, call, body: dict) -> dict:
    order_id = str(body.get("order_id") or "")
    with world.lock:
        order = world.orders.get(order_id)
        if order is None or order.shop.id != call.shop.id:
            raise BusinessError("not_seller")
        _arrangeable(order)
        order.handover = {"method": "DROP_OFF"}
        package_id = _arranged(world, order, "")
        data = order.data
    return {
        "package_id": package_id,
        "order_id": order.id,
        "order_line_item_ids": [item["id"] for item in data["line_items"]],
        "create_time": int(world.clock()),
        "shipping_service_info": {
            **US_SERVICE,
            "shipping_provider_id": provider_id(order.carrier),
            "shipping_provider_name": order.carrier,
        },
    }


def _arrangeable(order) -> None:
    """TikTok's state checks before a TikTok-shipped package is handed over."""
    data = order.data
    if order.packed is not None or data["status"] == "CANCELLED":
        raise BusinessError("cancelled" if data["status"] == "CANCELLED" else "shipped")
    if data["tracking_number"] or data["status"] in SHIPPED:
        raise BusinessError("shipped")
    if data["status"] != "AWAITING_SHIPMENT":
        raise BusinessError("not_awaiting")
    if data["shipping_type"] != "TIKTOK":
        raise BusinessError("not_tiktok_shipping")
    if data.get("is_buyer_request_cancel"):
        raise BusinessError("after_sale")


def _arranged(world, order, package_id: str) -> str:
    """TikTok's carrier and the tracking number the simulated order was to get."""
    return shipped_apply(
        world, order, package_id, order.carrier, provider_id(order.carrier), order.tracking
    )
