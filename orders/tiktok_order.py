"""TikTok's order object (Open API 202309 Get Order Detail, as JSON) read into our rows.

The one mapping from TikTok's order to an Order, its lines and its packages: the sync and the
webhooks read API answers through it, and a file importer that builds the same object from a
file's rows gets the same rows (docs/decisions.md "TikTok sync"). Our field names are TikTok's,
so most fields are copied; what differs is said below.

Only what the object carries is returned: an UNPAID or ON_HOLD order has no recipient address,
so a stored address is left alone. Money is TikTok's decimal strings, times Unix seconds.
Anything that cannot be read as TikTok documents it (an unknown status, a missing amount, a line
without a SKU, a time in milliseconds) refuses the whole order with `OrderRefused`: a guess
would be stored as truth.
"""

import re
from collections.abc import Collection
from decimal import Decimal

from orders.models import LATER_TIMES, PAYMENT_FIELDS, RECIPIENT_FIELDS, SHIPPING_ADDRESS_FIELDS
from orders.order_values import LineValues, OrderRefused, PackageValues, TikTokOrder
from orders.statuses import (
    LINE_STATUS_FOR_ORDER,
    CancelInitiator,
    FulfillmentType,
    LineStatus,
    OrderStatus,
    OrderType,
    PackageStatus,
    part_status_followed,
)
from orders.tiktok_values import amount, codes, tiktok_choice, tiktok_text, unix_time

ORDER_ID = re.compile(r"\d{18,19}")
# Amounts every order's `payment` carries; the others are market-specific and 0 when absent.
OPTIONAL_MONEY = ("tax", "retail_delivery_fee")
REQUIRED_MONEY = tuple(name for name in PAYMENT_FIELDS if name not in OPTIONAL_MONEY)
TIMES = (
    "create_time",
    "update_time",
    "paid_time",
    "rts_time",
    "collection_time",
    "delivery_time",
    "cancel_time",
    "shipping_due_time",
    "delivery_due_time",
)
TEXTS = {  # TikTok's field → ours, with our column's length
    "user_id": ("buyer_user_id", 32),
    "buyer_email": ("buyer_email", 254),
    "buyer_message": ("buyer_message", 10_000),
    "buyer_nickname": ("buyer_nickname", 100),
    "seller_note": ("seller_note", 10_000),
    "cancel_reason": ("cancel_reason", 255),
    "payment_method_name": ("payment_method_name", 80),
    "delivery_option_name": ("delivery_option_name", 80),
    "delivery_option_id": ("delivery_option_id", 32),
    "shipping_type": ("shipping_type", 8),
}
FLAGS = (
    "is_cod",
    "is_sample_order",
    "is_on_hold_order",
    "is_buyer_request_cancel",
    "has_updated_recipient_address",
)
ADDRESS = {  # recipient_address field → ours
    "name": ("recipient_name", 150),
    "phone_number": ("recipient_phone", 40),
    "address_line1": ("address_line1", 255),
    "address_line2": ("address_line2", 255),
    "postal_code": ("postal_code", 20),
    "region_code": ("region_code", 2),
}
# `district_info[]`: L0 is the country, L1 the state or province, L3 the city (US: state,
# county, city). Which level is a district varies by market, so only a level TikTok names a
# district fills ours; a US county is not one (TikTok's US files have no district either).
ADDRESS_LEVELS = {"L1": "state", "L3": "city"}
# Our fields the recipient address fills: the recipient and the shipping address.
ADDRESS_FIELDS = frozenset((*RECIPIENT_FIELDS, *SHIPPING_ADDRESS_FIELDS))
# What TikTok's order object can say of an order and of a line. A file says more (the buyer's
# username, the warehouse, the refunded amount; a line's category and returned quantity):
# those are the file's alone, which no sync ever corrects.
API_ORDER_FIELDS = frozenset(
    (
        "status",
        "order_type",
        "currency",
        "cancellation_initiator",
        "fulfillment_type",
        *TIMES,
        *(name for name, _ in TEXTS.values()),
        *FLAGS,
        *PAYMENT_FIELDS,
        *ADDRESS_FIELDS,
    )
)
API_LINE_FIELDS = frozenset(
    (
        "seller_sku",
        "product_id",
        "product_name",
        "variation",
        "quantity",
        "unit_original_price",
        "subtotal_before_discount",
        "platform_discount",
        "seller_discount",
        "subtotal_after_discount",
        "display_status",
    )
)


def _order_fields(obj: dict) -> dict:
    fields: dict = {}
    status = obj.get("status")
    if status not in codes(OrderStatus):
        raise OrderRefused(f"unknown status {str(status)[:30]!r}")
    fields["status"] = status
    fields["order_type"] = tiktok_choice(obj.get("order_type"), OrderType, OrderType.NORMAL)
    for name in TIMES:
        if name in obj:
            fields[name] = unix_time(obj.get(name), name)
    for name in ("create_time", "update_time"):
        if fields.get(name) is None:
            raise OrderRefused(f"`{name}` is missing")
    for name in LATER_TIMES:
        if fields.get(name) and fields[name] < fields["create_time"]:
            raise OrderRefused(f"`{name}` is before the order was created")
    for source, (name, length) in TEXTS.items():
        if source in obj:
            fields[name] = tiktok_text(obj[source], length)
    for name in FLAGS:
        if name in obj:
            fields[name] = obj[name] is True
    if "cancellation_initiator" in obj:
        fields["cancellation_initiator"] = tiktok_choice(
            obj["cancellation_initiator"], CancelInitiator
        )
    if "fulfillment_type" in obj:
        fields["fulfillment_type"] = tiktok_choice(
            obj["fulfillment_type"], FulfillmentType, FulfillmentType.BY_SELLER
        )
    fields.update(_payment(obj.get("payment")))
    if isinstance(obj.get("recipient_address"), dict):
        fields.update(_address(obj["recipient_address"]))
    return fields


def _payment(payment) -> dict:
    if not isinstance(payment, dict):
        raise OrderRefused("`payment` is missing")
    currency = payment.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise OrderRefused("`payment.currency` is missing")
    values = {"currency": currency}
    for name in PAYMENT_FIELDS:
        values[name] = amount(payment.get(name), f"payment.{name}", required=name in REQUIRED_MONEY)
    return values


def _address(address: dict) -> dict:
    values = {name: tiktok_text(address.get(source), n) for source, (name, n) in ADDRESS.items()}
    values["region_code"] = values["region_code"].upper()
    if not values["address_line1"]:
        values["address_line1"] = tiktok_text(address.get("address_detail"), 255)
    levels = [item for item in address.get("district_info") or [] if isinstance(item, dict)]
    by_level = {item.get("address_level"): item.get("address_name") for item in levels}
    for level, name in ADDRESS_LEVELS.items():
        values[name] = tiktok_text(by_level.get(level), 120)
    values["city"] = values["city"] or tiktok_text(address.get("post_town"), 120)
    districts = [
        item.get("address_name")
        for item in levels
        if "district" in str(item.get("address_level_name") or "").lower()
    ]
    values["district"] = tiktok_text(districts[0] if districts else "", 120)
    return values


def _lines(obj: dict, status: str) -> tuple[list[LineValues], list[PackageValues]]:
    items = obj.get("line_items")
    if not isinstance(items, list) or not items:
        raise OrderRefused("no `line_items`")
    by_sku: dict[str, list[dict]] = {}
    packages: dict[str, PackageValues] = {}
    for item in items:
        if not isinstance(item, dict) or not tiktok_text(item.get("sku_id"), 32):
            raise OrderRefused("a line item without `sku_id`")
        by_sku.setdefault(tiktok_text(item["sku_id"], 32), []).append(item)
    packages = _packages(items)
    for package in obj.get("packages") or []:  # ids TikTok assigned before shipping
        key = tiktok_text(package.get("id"), 32) if isinstance(package, dict) else ""
        if key and key not in packages:
            packages[key] = PackageValues(key, {"package_id": key})
    lines = [_line(sku, units, status) for sku, units in by_sku.items()]
    return lines, list(packages.values())


def package_key(item: dict) -> str:
    """The package a line item is in: TikTok's package id, else its tracking number."""
    return tiktok_text(item.get("package_id"), 32) or tiktok_text(item.get("tracking_number"), 64)


def _packages(items: list[dict]) -> dict[str, PackageValues]:
    packages: dict[str, PackageValues] = {}
    for item in items:
        key = package_key(item)
        if key and key not in packages:
            packages[key] = PackageValues(key, _package(item))
    return packages


def _package(item: dict) -> dict:
    values = {  # what TikTok does not say (yet) is left as stored
        name: text
        for name, source, length in (
            ("package_id", "package_id", 32),
            ("tracking_number", "tracking_number", 64),
            ("shipping_provider_name", "shipping_provider_name", 80),
        )
        if (text := tiktok_text(item.get(source), length))
    }
    if item.get("package_status") in codes(PackageStatus):
        values["package_status"] = item["package_status"]
    return values


def _line(sku_id: str, units: list[dict], order_status: str) -> LineValues:
    first = units[0]

    def total(name: str) -> Decimal:
        return sum((amount(unit.get(name), f"line_items.{name}") for unit in units), Decimal(0))

    statuses = [unit.get("display_status") or "" for unit in units]
    if any(status not in ("", *codes(LineStatus)) for status in statuses):
        raise OrderRefused(f"line {sku_id}: unknown `display_status`")
    if not any(statuses):  # not sent: what the order's status implies
        statuses = [LINE_STATUS_FOR_ORDER[order_status] or LineStatus.AWAITING_SHIPMENT]
    # Units of one SKU in different states: the line says the least advanced live one.
    live = [s for s in codes(LineStatus) if s in statuses and s != LineStatus.CANCELLED]
    values = {
        "seller_sku": tiktok_text(first.get("seller_sku"), 64),
        "product_id": tiktok_text(first.get("product_id"), 32),
        "product_name": tiktok_text(first.get("product_name"), 255) or sku_id,
        "variation": tiktok_text(first.get("sku_name"), 120),
        "quantity": len(units),
        "unit_original_price": amount(first.get("original_price"), "line_items.original_price"),
        "subtotal_before_discount": total("original_price"),
        "platform_discount": total("platform_discount"),
        "seller_discount": total("seller_discount"),
        "subtotal_after_discount": total("sale_price"),
        "display_status": live[0] if live else LineStatus.CANCELLED,
    }
    return LineValues(sku_id=sku_id, values=values, package_key=package_key(first))


def tiktok_order_read(obj) -> TikTokOrder:
    """Our rows for one TikTok order object; raises OrderRefused saying why it cannot be."""
    order_id = _order_id(obj)
    try:
        fields = _order_fields(obj)
        lines, packages = _lines(obj, fields["status"])
    except OrderRefused as refused:
        raise OrderRefused(refused.reason, order_id=order_id) from None
    except (ValueError, TypeError, AttributeError) as error:
        raise OrderRefused(f"unreadable ({error})", order_id=order_id) from None
    return _followed(TikTokOrder(order_id=order_id, fields=fields, lines=lines, packages=packages))


def tiktok_file_order_read(
    obj, lines: list[LineValues], *, known: Collection[str], own: dict
) -> TikTokOrder:
    """Our rows for an order as TikTok's order file gives it, read by the same code as the API's.

    `obj` is the order in the API object's shape, its `line_items` one per SKU for their
    packages; `lines` are its SKUs as lines already (a file gives a SKU's quantity and totals,
    the API one line item per unit). Only the `known` fields are kept (those the file has
    columns for: the others stay as stored), with `own`, what only a file says.
    """
    order_id = _order_id(obj)
    try:
        fields = _order_fields(obj)
        packages = list(_packages(obj.get("line_items") or []).values())
    except OrderRefused as refused:
        raise OrderRefused(refused.reason, order_id=order_id) from None
    except (ValueError, TypeError, AttributeError) as error:
        raise OrderRefused(f"unreadable ({error})", order_id=order_id) from None
    fields = {name: value for name, value in fields.items() if name in known} | own
    return _followed(TikTokOrder(order_id=order_id, fields=fields, lines=lines, packages=packages))


def _order_id(obj) -> str:
    if not isinstance(obj, dict):
        raise OrderRefused("not an order object")
    order_id = tiktok_text(obj.get("id"), 40)
    if not ORDER_ID.fullmatch(order_id):
        raise OrderRefused(f"{order_id[:30]!r} is not an order id")
    return order_id


def _followed(order: TikTokOrder) -> TikTokOrder:
    """Parts stored as following the order's status makes them, so that the same object
    again compares equal (TikTok's parts can lag behind its order)."""
    status = order.fields["status"]
    for line in order.lines:
        if "display_status" in line.values:
            line.values["display_status"] = part_status_followed(
                line.values["display_status"], status
            )
    for parcel in order.packages:
        if "package_status" in parcel.values:
            parcel.values["package_status"] = part_status_followed(
                parcel.values["package_status"], status, package=True
            )
    return order
