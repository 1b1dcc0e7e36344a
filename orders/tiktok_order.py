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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from orders.models import LATER_TIMES, PAYMENT_FIELDS, RECIPIENT_FIELDS, SHIPPING_ADDRESS_FIELDS
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

ORDER_ID = re.compile(r"\d{18,19}")
# A Unix time in seconds lies between these (2001 and 5138): smaller is a duration, larger
# milliseconds; both are refused, never guessed.
UNIX_SECONDS_MIN, UNIX_SECONDS_MAX = 1_000_000_000, 100_000_000_000
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


class OrderRefused(ValueError):
    """TikTok's order cannot be read as documented; `order_id` says which, when known."""

    def __init__(self, reason: str, *, order_id: str = ""):
        super().__init__(reason)
        self.reason, self.order_id = reason, order_id


@dataclass
class LineValues:
    """One SKU of the order: TikTok sends one line item per unit, grouped here by `sku_id`."""

    sku_id: str
    values: dict  # OrderLine fields
    package_key: str = ""  # the package (id, else tracking number) of its first unit


@dataclass
class PackageValues:
    key: str  # TikTok's package id, or the tracking number when it has none yet
    values: dict  # Package fields


@dataclass
class TikTokOrder:
    order_id: str
    fields: dict  # Order fields the object carries
    lines: list[LineValues] = field(default_factory=list)
    packages: list[PackageValues] = field(default_factory=list)

    @property
    def update_time(self) -> datetime:
        return self.fields["update_time"]


def _text(value, length: int) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | str):
        return str(value).strip()[:length]
    raise ValueError(f"{type(value).__name__}, not text")


def unix_time(value, name: str) -> datetime | None:
    """A Unix time in seconds; 0 or absent is none (TikTok sends 0 for "not yet")."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise OrderRefused(f"`{name}` is not a Unix time")
    if not UNIX_SECONDS_MIN <= value < UNIX_SECONDS_MAX:
        unit = "milliseconds" if value >= UNIX_SECONDS_MAX else "not a time"
        raise OrderRefused(f"`{name}` is {value}: {unit}, not Unix seconds")
    return datetime.fromtimestamp(value, UTC)


def amount(value, name: str, *, required: bool = True) -> Decimal:
    """A non-negative decimal string of at most 2 places ("35.97")."""
    if value in (None, ""):
        if required:
            raise OrderRefused(f"`{name}` is missing")
        return Decimal("0.00")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise OrderRefused(f"`{name}` is not a decimal string")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise OrderRefused(f"`{name}` is {str(value)[:20]!r}, not an amount") from None
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise OrderRefused(f"`{name}` is {value!r}, not an amount we keep")
    if number >= Decimal("1e12"):
        raise OrderRefused(f"`{name}` is {value!r}, too large")
    return number.quantize(Decimal("0.01"))


def _choice(value, choices, default=""):
    return value if value in choices.values else default


def _order_fields(obj: dict) -> dict:
    fields: dict = {}
    status = obj.get("status")
    if status not in OrderStatus.values:
        raise OrderRefused(f"unknown status {str(status)[:30]!r}")
    fields["status"] = status
    fields["order_type"] = _choice(obj.get("order_type"), OrderType, OrderType.NORMAL)
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
            fields[name] = _text(obj[source], length)
    for name in FLAGS:
        if name in obj:
            fields[name] = obj[name] is True
    if "cancellation_initiator" in obj:
        fields["cancellation_initiator"] = _choice(obj["cancellation_initiator"], CancelInitiator)
    if "fulfillment_type" in obj:
        fields["fulfillment_type"] = _choice(
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
    values = {name: _text(address.get(source), n) for source, (name, n) in ADDRESS.items()}
    values["region_code"] = values["region_code"].upper()
    if not values["address_line1"]:
        values["address_line1"] = _text(address.get("address_detail"), 255)
    levels = [item for item in address.get("district_info") or [] if isinstance(item, dict)]
    by_level = {item.get("address_level"): item.get("address_name") for item in levels}
    for level, name in ADDRESS_LEVELS.items():
        values[name] = _text(by_level.get(level), 120)
    values["city"] = values["city"] or _text(address.get("post_town"), 120)
    districts = [
        item.get("address_name")
        for item in levels
        if "district" in str(item.get("address_level_name") or "").lower()
    ]
    values["district"] = _text(districts[0] if districts else "", 120)
    return values


def _lines(obj: dict, status: str) -> tuple[list[LineValues], list[PackageValues]]:
    items = obj.get("line_items")
    if not isinstance(items, list) or not items:
        raise OrderRefused("no `line_items`")
    by_sku: dict[str, list[dict]] = {}
    packages: dict[str, PackageValues] = {}
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("sku_id"), 32):
            raise OrderRefused("a line item without `sku_id`")
        by_sku.setdefault(_text(item["sku_id"], 32), []).append(item)
        key = _text(item.get("package_id"), 32) or _text(item.get("tracking_number"), 64)
        if key and key not in packages:
            packages[key] = PackageValues(key, _package(item))
    for package in obj.get("packages") or []:  # ids TikTok assigned before shipping
        key = _text(package.get("id"), 32) if isinstance(package, dict) else ""
        if key and key not in packages:
            packages[key] = PackageValues(key, {"package_id": key})
    lines = [_line(sku, units, status) for sku, units in by_sku.items()]
    return lines, list(packages.values())


def _package(item: dict) -> dict:
    values = {  # what TikTok does not say (yet) is left as stored
        name: text
        for name, source, length in (
            ("package_id", "package_id", 32),
            ("tracking_number", "tracking_number", 64),
            ("shipping_provider_name", "shipping_provider_name", 80),
        )
        if (text := _text(item.get(source), length))
    }
    if item.get("package_status") in PackageStatus.values:
        values["package_status"] = item["package_status"]
    return values


def _line(sku_id: str, units: list[dict], order_status: str) -> LineValues:
    first = units[0]

    def total(name: str) -> Decimal:
        return sum((amount(unit.get(name), f"line_items.{name}") for unit in units), Decimal(0))

    statuses = [unit.get("display_status") or "" for unit in units]
    if any(status not in ("", *LineStatus.values) for status in statuses):
        raise OrderRefused(f"line {sku_id}: unknown `display_status`")
    if not any(statuses):  # not sent: what the order's status implies
        statuses = [LINE_STATUS_FOR_ORDER[order_status] or LineStatus.AWAITING_SHIPMENT]
    # Units of one SKU in different states: the line says the least advanced live one.
    live = [s for s in LineStatus.values if s in statuses and s != LineStatus.CANCELLED]
    values = {
        "seller_sku": _text(first.get("seller_sku"), 64),
        "product_id": _text(first.get("product_id"), 32),
        "product_name": _text(first.get("product_name"), 255) or sku_id,
        "variation": _text(first.get("sku_name"), 120),
        "quantity": len(units),
        "unit_original_price": amount(first.get("original_price"), "line_items.original_price"),
        "subtotal_before_discount": total("original_price"),
        "platform_discount": total("platform_discount"),
        "seller_discount": total("seller_discount"),
        "subtotal_after_discount": total("sale_price"),
        "display_status": live[0] if live else LineStatus.CANCELLED,
    }
    key = _text(first.get("package_id"), 32) or _text(first.get("tracking_number"), 64)
    return LineValues(sku_id=sku_id, values=values, package_key=key)


def tiktok_order_read(obj) -> TikTokOrder:
    """Our rows for one TikTok order object; raises OrderRefused saying why it cannot be."""
    if not isinstance(obj, dict):
        raise OrderRefused("not an order object")
    order_id = _text(obj.get("id"), 40)
    if not ORDER_ID.fullmatch(order_id):
        raise OrderRefused(f"{order_id[:30]!r} is not an order id")
    try:
        fields = _order_fields(obj)
        lines, packages = _lines(obj, fields["status"])
    except OrderRefused as refused:
        raise OrderRefused(refused.reason, order_id=order_id) from None
    except (ValueError, TypeError, AttributeError) as error:
        raise OrderRefused(f"unreadable ({error})", order_id=order_id) from None
    # Stored as following the order's status makes them, so that the same object again
    # compares equal (TikTok's parts can lag behind its order).
    for line in lines:
        line.values["display_status"] = part_status_followed(
            line.values["display_status"], fields["status"]
        )
    for parcel in packages:
        if "package_status" in parcel.values:
            parcel.values["package_status"] = part_status_followed(
                parcel.values["package_status"], fields["status"], package=True
            )
    return TikTokOrder(order_id=order_id, fields=fields, lines=lines, packages=packages)
