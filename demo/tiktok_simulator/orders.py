"""One simulated TikTok order as the Open API shows it: ids are digit strings, money decimal
strings, times Unix seconds, one line item per unit sold, and no recipient address while the
order is unpaid or on hold. Built from the demo's word lists and money rules."""

import json
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from demo import words
from demo.builder import demo_order_id
from demo.parts import digits_str, random_buyer, random_lines, random_tracking_number
from demo.tiktok_simulator import constants as c
from demo.tiktok_simulator.accounts import SimShop
from orders.money import order_totals, to_money

HIDDEN_ADDRESS_STATUSES = frozenset({"UNPAID", "ON_HOLD"})
LINE_STATUS = {"ON_HOLD": "AWAITING_SHIPMENT"}  # line items have no on-hold status
PACKAGE_STATUS = {
    "AWAITING_COLLECTION": "PROCESSING",
    "IN_TRANSIT": "FULFILLING",
    "DELIVERED": "COMPLETED",
    "COMPLETED": "COMPLETED",
    "CANCELLED": "CANCELLED",
}
FIRST_SHOP_NUMBER = 5  # the demo seeder's ids use 0 and 1: the two never meet
# What searches filter on: all that is kept of an order that will not change again.
SETTLED_KEYS = (
    "id",
    "status",
    "create_time",
    "update_time",
    "user_id",
    "is_buyer_request_cancel",
    "shipping_type",
)


def money(value) -> str:
    return f"{to_money(Decimal(value)):.2f}"


@dataclass
class SimOrder:
    shop: SimShop
    data: dict  # the order object, recipient address included
    plan: list = field(default_factory=list)  # [(real time, action)], in time order
    cancellation: dict | None = None
    past_cancellations: list = field(default_factory=list)  # closed ones a later one replaced
    returns: list = field(default_factory=list)
    cached: bytes | None = None  # as_json() encoded, until the next change
    packed: bytes | None = None  # compressed, once the order has settled
    carrier: str = ""  # who will carry it, and the tracking number it will get
    tracking: str = ""
    handover: dict | None = None  # arrange.py: how TikTok's carrier takes the package
    pace: float = 1.0  # how much faster than TikTok's its stages pass

    @property
    def id(self) -> str:
        return self.data["id"]

    def as_json(self) -> dict:
        if self.packed is not None:
            return json.loads(self.as_bytes())
        if self.data["status"] in HIDDEN_ADDRESS_STATUSES:
            return {k: v for k, v in self.data.items() if k != "recipient_address"}
        return self.data

    def as_bytes(self) -> bytes:
        if self.packed is not None:
            return zlib.decompress(self.packed)
        if self.cached is None:
            self.cached = json.dumps(self.as_json(), separators=(",", ":")).encode()
        return self.cached

    def settle(self) -> None:
        """The order will not change again: keep it compressed, a third of the memory, and
        only what searches filter on as `data`."""
        self.packed = zlib.compress(self.as_bytes(), 1)
        self.data = {key: self.data[key] for key in SETTLED_KEYS}
        self.cached = self.plan = None


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` cent-exact shares, the rounding left on the last."""
    share = to_money(total / parts)
    return [share] * (parts - 1) + [to_money(total - share * (parts - 1))]


def _line_items(lines, order_id: str, currency: str, tax_rate: Decimal) -> list[dict]:
    items = []
    for number, line in enumerate(lines):
        quantity = line.quantity
        sellers = _split(line.seller_discount, quantity)
        platforms = _split(line.platform_discount, quantity)
        for unit in range(quantity):
            after = line.unit_original_price - sellers[unit] - platforms[unit]
            tax = to_money(after * tax_rate)
            items.append(
                {
                    "id": f"{order_id[2:]}{number}{unit:02d}",
                    "sku_id": line.sku_id,
                    "product_id": line.product_id,
                    "product_name": line.product_name,
                    "sku_name": line.variation,
                    "sku_image": f"https://p16-oec-va.ibyteimg.com/sim/{line.sku_id}.jpeg",
                    "seller_sku": line.seller_sku,
                    "original_price": money(line.unit_original_price),
                    "sale_price": money(line.unit_original_price - sellers[unit]),
                    "seller_discount": money(sellers[unit]),
                    "platform_discount": money(platforms[unit]),
                    "currency": currency,
                    "item_tax": [
                        {
                            "tax_type": "SALES_TAX",
                            "tax_amount": money(tax),
                            "tax_rate": str(tax_rate),
                        }
                    ]
                    if tax_rate
                    else [],
                    "display_status": "UNPAID",
                    "package_id": "",
                    "package_status": "TO_FULFILL",
                    "tracking_number": "",
                    "shipping_provider_id": "",
                    "shipping_provider_name": "",
                    "rts_time": 0,
                    "cancel_reason": "",
                    "cancel_user": "",
                    "is_gift": False,
                    "sku_type": "NORMAL",
                }
            )
    return items


def recipient_address(rng: random.Random, shop: SimShop) -> tuple[dict, dict]:
    """(TikTok's recipient_address, the demo buyer it was made from)."""
    market = words.MARKETS.get(shop.region, words.MARKETS["US"])
    buyer = random_buyer(rng, market)
    country = {"US": "United States", "GB": "United Kingdom"}.get(shop.region, shop.region)
    street = ", ".join(part for part in (buyer["address_line1"], buyer["address_line2"]) if part)
    levels = ("Country", "State", "County", "City") if shop.region == "US" else ("Country", "")
    names = (country, buyer["state"], f"{buyer['city']} County", buyer["city"])
    address = {
        "name": buyer["recipient_name"],
        "first_name": buyer["recipient_name"].split(" ", 1)[0],
        "last_name": buyer["recipient_name"].split(" ", 1)[1],
        "phone_number": buyer["recipient_phone"],
        "address_detail": buyer["address_line2"],
        "address_line1": buyer["address_line1"],
        "address_line2": buyer["address_line2"],
        "address_line3": "",
        "address_line4": "",
        "postal_code": buyer["postal_code"],
        "region_code": shop.region,
        "full_address": f"{street}, {buyer['city']}, {buyer['state']}, "
        f"{buyer['postal_code']}, {country}",
        "district_info": [
            {"address_level": f"L{i}", "address_level_name": level, "address_name": name}
            for i, (level, name) in enumerate(zip(levels, names, strict=False))
            if level
        ],
    }
    if shop.region == "GB":
        address["post_town"] = buyer["city"]
    return address, buyer


def order_build(rng: random.Random, shop: SimShop, shop_number: int, index: int, created: int):
    """A new UNPAID order of `shop` created at `created`."""
    market = words.MARKETS.get(shop.region, words.MARKETS["US"])
    order_id = demo_order_id(FIRST_SHOP_NUMBER + shop_number, index)
    lines = random_lines(rng, shop.region)
    tax_rate = Decimal(market["tax_rate"])
    address, buyer = recipient_address(rng, shop)
    items = _line_items(lines, order_id, shop.currency, tax_rate)
    sub_preview = sum((line.subtotal_after_discount for line in lines), Decimal(0))
    base_shipping = Decimal("5.99") if shop.region == "US" else Decimal("3.49")
    free = sub_preview >= (35 if shop.region == "US" else 25)
    tax = sum((Decimal(i["item_tax"][0]["tax_amount"]) for i in items if i["item_tax"]), Decimal(0))
    totals = order_totals(
        lines=lines,
        original_shipping_fee=base_shipping,
        shipping_fee_platform_discount=base_shipping if free else Decimal(0),
        tax=tax,
        retail_delivery_fee=Decimal(market["retail_delivery_fee"].get(buyer["state"], "0")),
    )
    payment = {key: money(value) for key, value in totals.items()}
    payment.update(currency=shop.currency, product_tax=money(tax), shipping_fee_tax="0.00")
    seller_shipping = rng.random() < 0.7
    carrier = rng.choice(market["carriers"])
    data = {
        "id": order_id,
        "status": "UNPAID",
        "order_type": "NORMAL",
        "create_time": created,
        "update_time": created,
        "paid_time": 0,
        "rts_time": 0,
        "collection_time": 0,
        "delivery_time": 0,
        "cancel_time": 0,
        "request_cancel_time": 0,
        "rts_sla_time": 0,
        "tts_sla_time": 0,
        "user_id": buyer["buyer_user_id"],
        "buyer_email": buyer["buyer_email"],
        "buyer_message": rng.choice(words.BUYER_MESSAGES) if rng.random() < 0.1 else "",
        "seller_note": "",
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "shipping_type": "SELLER" if seller_shipping else "TIKTOK",
        "delivery_type": "HOME_DELIVERY",
        "delivery_option_id": "7" + digits_str(rng, 18),
        "delivery_option_name": rng.choice(market["delivery_options"]),
        "shipping_provider": "",
        "shipping_provider_id": "",
        "tracking_number": "",
        "warehouse_id": f"7{shop.id[1:12]}0000001",
        "payment_method_name": rng.choice(market["payment_methods"]),
        "is_on_hold_order": True,
        "is_buyer_request_cancel": False,
        "is_cod": False,
        "is_sample_order": False,
        "is_replacement_order": False,
        "has_updated_recipient_address": False,
        "commerce_platform": "TIKTOK_SHOP",
        "cancel_reason": "",
        "cancellation_initiator": "",
        "packages": [],
        "line_items": items,
        "payment": payment,
        "recipient_address": address,
    }
    if not seller_shipping:
        data["recipient_address"] = address_masked(address)
    return SimOrder(
        shop=shop, data=data, carrier=carrier, tracking=random_tracking_number(rng, carrier)
    )


def address_masked(address: dict) -> dict:
    """TikTok hides the recipient's name and phone behind platform shipping."""
    name, phone = address["name"], address["phone_number"]
    return {
        **address,
        "name": f"{name[0]}***{name[-1]}",
        "phone_number": f"{phone[:7]}*****{phone[-2:]}",
    }


def packages_set(order: SimOrder, groups: list[list[dict]]) -> None:
    """Put the line items in packages, one group each."""
    order.data["packages"] = []
    for number, group in enumerate(groups):
        package_id = f"11{order.id[2:]}{number}"
        order.data["packages"].append({"id": package_id})
        for item in group:
            item["package_id"] = package_id


def status_set(order: SimOrder, status: str, at: int) -> None:
    order.data["status"] = status
    order.data["update_time"] = at
    line_status = LINE_STATUS.get(status, status)
    package_status = PACKAGE_STATUS.get(status)
    for item in order.data["line_items"]:
        item["display_status"] = line_status
        if package_status and item["package_id"]:
            item["package_status"] = package_status


def status_note(order: SimOrder) -> tuple[int, dict]:
    """The order-status notification (type 1) for the order as it is now."""
    data = order.data
    status = c.WEBHOOK_STATUS.get(data["status"], data["status"])
    return c.WEBHOOK_ORDER_STATUS, {
        "order_id": data["id"],
        "order_status": status,
        "is_on_hold_order": data["is_on_hold_order"],
        "update_time": data["update_time"],
    }
